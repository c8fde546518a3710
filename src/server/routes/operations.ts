import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import type { ResponseCache } from '../../cache/response-cache.js';
import type { Config } from '../../config/schema.js';
import { redactConfig } from '../../config/redact-config.js';
import type { ModelHost } from '../../inference/model-host.js';
import type { Metrics } from '../../observability/metrics.js';
import { UMBRAL_VERSION } from '../../version.js';
import type { Lifecycle } from '../lifecycle.js';
import type { Readiness } from '../readiness.js';
import { cacheStats } from './admin-cache.js';

export interface OperationsRoutesDeps {
  readonly config: Config;
  readonly host: ModelHost;
  readonly metrics: Metrics;
  readonly lifecycle: Lifecycle;
  readonly readiness: Readiness;
  readonly cache: ResponseCache;
}

const PUBLIC = { config: { access: 'public' } } as const;

/** Health for orchestrators, Prometheus metrics, and /info for people. */
export async function operationsRoutes(app: FastifyInstance, deps: OperationsRoutesDeps): Promise<void> {
  const { config, host, metrics, lifecycle, readiness } = deps;

  app.get('/health/live', PUBLIC, async () => ({ status: 'live' }));

  app.get('/health/ready', PUBLIC, async (_request, reply) => {
    const report = readiness.report();
    return reply.code(report.status === 'ready' ? 200 : 503).send(report);
  });

  app.get('/metrics', { config: { access: config.auth.publicMetrics ? 'public' : 'admin:read' } }, async (_request, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.render());
  });

  app.get('/info', { config: { access: 'admin:read' } }, async () => ({
    name: 'umbral',
    version: UMBRAL_VERSION,
    uptimeSeconds: lifecycle.uptimeSeconds(),
    // Which process answered: with `--workers N`, each worker reports its own counts and memory.
    process: { pid: process.pid, worker: cluster.worker?.id ?? null },
    ready: readiness.ready(),
    models: host.list().map(({ plan, states, aliases, defaultVersion }) => ({
      name: plan.name,
      required: plan.required,
      serving: defaultVersion ?? null,
      aliases: Object.fromEntries(aliases),
      ...(plan.problem ? { problem: plan.problem } : {}),
      versions: plan.versions.map(({ version, manifest }) => {
        const state = states.get(version);
        return {
          version, backend: manifest.backend, maxBatchSize: manifest.serving.max_batch_size,
          status: state?.status ?? 'not loaded', ...(state?.status === 'failed' ? { reason: state.reason } : {}),
        };
      }),
    })),
    cache: cacheStats(deps.cache, host),
    limits: {
      bodyLimitBytes: config.server.bodyLimitBytes,
      maxElements: config.limits.maxElements,
      requestTimeoutMs: config.server.requestTimeoutMs,
    },
    config: redactConfig(config),
  }));
}
