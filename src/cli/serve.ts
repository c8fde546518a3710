import { loadConfig } from '../config/load-config.js';
import { createLogger } from '../observability/logger.js';
import { StrictModeError, startServer } from '../server/start-server.js';
import { ClientError } from './client-error.js';
import type { Command } from './parse-args.js';

/**
 * `umbral serve`: runs the server until SIGTERM or SIGINT, then shuts it down gracefully. SIGHUP
 * re-imports the model repository and reloads every model from the registry, without a restart.
 */
export async function serve(command: Extract<Command, { kind: 'serve' }>): Promise<number> {
  const config = loadConfig({ file: command.configFile, overrides: command.overrides });
  const logger = createLogger(config);
  let server;
  try {
    server = await startServer(config, logger);
  } catch (error) {
    // Printed as `umbral: <message>`, exit 1.
    if (error instanceof StrictModeError) throw new ClientError(error.message, undefined, undefined, { cause: error });
    throw error;
  }
  const reload = () => {
    logger.info('SIGHUP: reloading models');
    server.reload().catch((error: unknown) => logger.error({ err: error }, 'reload failed; the current versions keep serving'));
  };
  process.on('SIGHUP', reload);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => void server.shutdown(signal).then(resolve);
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  process.off('SIGHUP', reload);
  return 0;
}
