import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/schema.js';
import { redactConfig } from '../../config/redact-config.js';
import type { ModelHost } from '../../inference/model-host.js';
import type { Metrics } from '../../observability/metrics.js';
import { UMBRAL_VERSION } from '../../version.js';
import type { Lifecycle } from '../lifecycle.js';

export interface OperationsRoutesDeps {
  readonly config: Config;
  readonly host: ModelHost;
  readonly metrics: Metrics;
  readonly lifecycle: Lifecycle;
}

/** Health for orchestrators, Prometheus metrics, and /info for people. */
export async function operationsRoutes(app: FastifyInstance, deps: OperationsRoutesDeps): Promise<void> {
  const { config, host, metrics, lifecycle } = deps;

  app.get('/health/live', async () => ({ status: 'live' }));

  app.get('/health/ready', async (_request, reply) => {
    const models = Object.fromEntries(host.list().map((model) => [model.name, modelStatus(model)]));
    const problems = [
      ...(lifecycle.shuttingDown ? ['shutting down'] : []),
      ...host.list().filter((m) => m.config?.required !== false && modelStatus(m) !== 'ready').map((m) => `model '${m.name}' is not ready`),
    ];
    return reply.code(problems.length === 0 ? 200 : 503).send({ status: problems.length === 0 ? 'ready' : 'not ready', problems, models });
  });

  app.get('/metrics', async (_request, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.render());
  });

  app.get('/info', async () => ({
    name: 'umbral',
    version: UMBRAL_VERSION,
    uptimeSeconds: lifecycle.uptimeSeconds(),
    ready: !lifecycle.shuttingDown && host.requiredReady(),
    models: host.list().map((model) => ({
      name: model.name,
      required: model.config?.required ?? true,
      backend: model.config?.backend,
      maxBatchSize: model.config?.max_batch_size,
      ...(model.problem ? { problem: model.problem } : {}),
      versions: [...model.versions.entries()].map(([version, state]) => ({
        version, status: state.status, ...(state.status === 'failed' ? { reason: state.reason } : {}),
      })),
    })),
    limits: {
      bodyLimitBytes: config.server.bodyLimitBytes,
      maxElements: config.limits.maxElements,
      requestTimeoutMs: config.server.requestTimeoutMs,
    },
    config: redactConfig(config),
  }));
}

function modelStatus(model: ReturnType<ModelHost['list']>[number]): string {
  const states = [...model.versions.values()];
  if (states.some((s) => s.status === 'ready')) return 'ready';
  if (states.some((s) => s.status === 'loading')) return 'loading';
  return 'failed';
}
