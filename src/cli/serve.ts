import cluster from 'node:cluster';
import type { Logger } from 'pino';
import { loadConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { answerMetricsCollection, clusterMetricsRenderer } from '../observability/cluster-metrics.js';
import { openLogFile } from '../observability/log-file.js';
import { createLogger } from '../observability/logger.js';
import { StrictModeError, startServer } from '../server/start-server.js';
import { ClientError } from './client-error.js';
import type { Command } from './parse-args.js';
import { superviseWorkers, type ServingMessage } from './supervise-workers.js';

/**
 * `umbral serve`: runs the server until SIGTERM or SIGINT, then shuts it down gracefully. SIGHUP
 * re-imports the model repository and reloads every model from the registry, without a restart.
 * With `--workers N` (N > 1) this process supervises N worker processes that each run the server.
 */
export async function serve(command: Extract<Command, { kind: 'serve' }>): Promise<number> {
  const config = loadConfig({ file: command.configFile, overrides: command.overrides });
  // With a log file (one process only: checkConfig), its last lines are written before the process ends.
  const file = config.log.file === '' ? undefined : await openLogFile(config.log);
  const logger = createLogger(config, undefined, file);
  try {
    return await serveAs(config, logger);
  } finally {
    logger.flush();
    await file?.close();
  }
}

async function serveAs(config: Config, logger: Logger): Promise<number> {
  if (config.server.workers > 1 && cluster.isPrimary) return superviseWorkers(config, logger);
  if (!cluster.isWorker) return serveUntilStopped(config, logger);
  answerMetricsCollection();
  try {
    return await serveUntilStopped(config, logger);
  } finally {
    // A worker's channel to the primary would keep it alive, stopped or failed: closing it lets it exit.
    cluster.worker?.disconnect();
  }
}

async function serveUntilStopped(config: Config, logger: Logger): Promise<number> {
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
  if (cluster.isWorker) {
    // /metrics on any worker shows every worker's, aggregated by the primary.
    server.metrics.renderWith(clusterMetricsRenderer(server.metrics.registry));
    process.send?.({ kind: 'umbral:serving', url: server.url, grpc: server.grpcUrl } satisfies ServingMessage);
  }
  // The first signal starts a graceful stop; a second one ends its delay (server.shutdownDelayMs) at once.
  let stop: ((signal: NodeJS.Signals) => void) | undefined;
  await new Promise<void>((resolve) => {
    stop = (signal) => void server.shutdown(signal).then(resolve);
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  if (stop) {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
  process.off('SIGHUP', reload);
  return 0;
}
