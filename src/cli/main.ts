import { loadConfig } from '../config/load-config.js';
import { isUmbralError } from '../errors/umbral-error.js';
import { createLogger } from '../observability/logger.js';
import { StrictModeError, startServer } from '../server/start-server.js';
import { UMBRAL_VERSION } from '../version.js';
import { parseCommand } from './parse-args.js';
import { USAGE } from './usage.js';

const EXIT_USAGE = 2;

async function main(argv: readonly string[]): Promise<number> {
  const command = parseCommand(argv);
  if (command.kind === 'help') return print(USAGE);
  if (command.kind === 'version') return print(UMBRAL_VERSION);
  const config = loadConfig({ file: command.configFile, overrides: command.overrides });
  const logger = createLogger(config);
  const server = await startServer(config, logger);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => void server.shutdown(signal).then(resolve);
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return 0;
}

function print(text: string): number {
  console.log(text);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    if (isUmbralError(error) && (error.code === 'UMBRAL_ERR_USAGE' || error.code === 'UMBRAL_ERR_CONFIG_INVALID')) {
      console.error(`umbral: ${error.message}`);
      process.exitCode = EXIT_USAGE;
    } else if (error instanceof StrictModeError) {
      console.error(`umbral: ${error.message}`);
      process.exitCode = 1;
    } else {
      console.error('umbral: failed:', error instanceof Error ? error.message : error);
      process.exitCode = 1;
    }
  },
);
