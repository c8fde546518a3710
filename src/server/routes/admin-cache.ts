import type { FastifyInstance } from 'fastify';
import type { ResponseCache } from '../../cache/response-cache.js';
import { hitRate } from '../../observability/cache-counts.js';
import { Errors } from '../../errors/catalogue.js';
import type { ModelHost } from '../../inference/model-host.js';

export interface AdminCacheDeps {
  readonly host: Pick<ModelHost, 'get' | 'list'>;
  readonly cache: ResponseCache;
}

/**
 * The response cache (docs/guides/response-cache.md): its statistics, and `POST /admin/cache/clear`
 * for one model (`{"model": "…"}`) or every model (no body, or `{}`). A clear removes the entries
 * from the store (Redis: for every replica) and has every process drop its in-memory ones.
 */
export async function adminCacheRoutes(app: FastifyInstance, deps: AdminCacheDeps): Promise<void> {
  const { host, cache } = deps;

  app.get('/admin/cache', { config: { access: 'admin:read' } }, async () => cacheStats(cache, host));

  app.post('/admin/cache/clear', { config: { access: 'admin:write' } }, async (request) => {
    const model = modelToClear(request.body);
    if (model !== undefined && !host.get(model)) throw Errors.modelNotFound(model);
    const removed = await cache.clear(model);
    request.log.info({ model: model ?? '*', removed }, 'response cache cleared');
    return { model: model ?? null, removed, store: cache.storeKind };
  });
}

/** `model` of a clear's body: absent (no body, `{}`) means every model. */
function modelToClear(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  const fields = typeof body === 'object' && !Array.isArray(body) ? body as Record<string, unknown> : undefined;
  const extra = fields ? Object.keys(fields).filter((key) => key !== 'model') : [];
  if (!fields || extra.length > 0 || !(fields.model === undefined || typeof fields.model === 'string')) {
    throw Errors.invalidRequest('body', 'send {"model": "<name>"} to clear one model, or no body (or {}) to clear every model'
      + (extra.length > 0 ? `; unknown field ${extra.map((key) => `'${key}'`).join(', ')}` : ''));
  }
  return fields.model as string | undefined;
}

/** The cache's state for `/info` and `GET /admin/cache`: per cached model, this process's counts and memory. */
export function cacheStats(cache: ResponseCache, host: Pick<ModelHost, 'get' | 'list'>) {
  const cached = host.list().filter((model) => model.plan.cache).map((model) => model.plan.name);
  const models = [...new Set([...cached, ...cache.models()])].sort();
  return {
    store: cache.storeKind,
    sharedStoreUp: !cache.sharedStoreDown,
    models: Object.fromEntries(models.map((name) => {
      const counts = cache.counts(name);
      const policy = host.get(name)?.plan.cache;
      return [name, {
        enabled: policy !== undefined,
        ...(policy ? { ttlSeconds: policy.ttlMs / 1000, scope: policy.scope } : {}),
        ...counts, hitRate: hitRate(counts) ?? null,
        memory: cache.memoryUsage(name) ?? null,
      }];
    })),
  };
}
