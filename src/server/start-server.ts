import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createBackends } from '../backends/backend-registry.js';
import type { Config } from '../config/schema.js';
import { InferenceService } from '../inference/inference-service.js';
import { ModelHost } from '../inference/model-host.js';
import { createLogger } from '../observability/logger.js';
import { Metrics } from '../observability/metrics.js';
import { readModelRepository } from '../registry/model-repository.js';
import { buildApp } from './build-app.js';
import { Lifecycle } from './lifecycle.js';

/** A running server. */
export interface RunningServer {
  readonly app: FastifyInstance;
  readonly host: ModelHost;
  readonly logger: Logger;
  /** `http://host:port` it listens on. */
  readonly url: string;
  /**
   * Graceful stop: readiness off at once, keep serving for `shutdownDelayMs`, stop accepting, let
   * in-flight requests finish within `shutdownTimeoutMs`, then release models and workers.
   */
  shutdown(reason: string): Promise<void>;
}

export class StrictModeError extends Error {}

/** Loads the models, builds the app and listens. Rejects (strict mode) when any model is broken. */
export async function startServer(config: Config, logger: Logger = createLogger(config)): Promise<RunningServer> {
  const metrics = new Metrics();
  const lifecycle = new Lifecycle();
  const backends = createBackends({ workers: config.onnx.workers, intraOpThreads: config.onnx.intraOpThreads, logger });
  const host = new ModelHost({ backends, metrics, logger, defaultMaxQueueSize: config.batching.maxQueueSize });
  await host.loadAll(readModelRepository(config.models.dir));
  const broken = host.broken();
  if (config.models.strict && broken.length > 0) {
    await host.close();
    throw new StrictModeError(`strict mode: these models failed to load: ${broken.join(', ')} (causes in the log)`);
  }
  const inference = new InferenceService(host, metrics, config.server.requestTimeoutMs);
  const app = await buildApp({ config, logger, metrics, host, inference, lifecycle });
  await app.listen({ host: config.server.host, port: config.server.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const url = `http://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}:${port}`;
  logger.info({ url, models: host.list().map((m) => m.name) }, 'umbral is serving');

  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string) => (stopping ??= (async () => {
    logger.info({ reason }, 'shutting down: readiness is off');
    lifecycle.beginShutdown();
    if (config.server.shutdownDelayMs > 0) await new Promise((r) => setTimeout(r, config.server.shutdownDelayMs));
    const timer = setTimeout(() => {
      logger.warn({ timeoutMs: config.server.shutdownTimeoutMs }, 'shutdown timeout: closing remaining connections');
      app.server.closeAllConnections();
    }, config.server.shutdownTimeoutMs);
    timer.unref();
    await app.close();
    await host.close();
    clearTimeout(timer);
    logger.info('shutdown complete');
  })());
  return { app, host, logger, url, shutdown };
}
