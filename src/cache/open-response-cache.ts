import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Metrics } from '../observability/metrics.js';
import type { Database } from '../store/database.js';
import { createRedisClient } from '../store/redis-client.js';
import type { CachePolicy } from './cache-policy.js';
import type { CacheStore, MemoryBounds } from './cache-store.js';
import { FailSafeCacheStore } from './fail-safe-cache-store.js';
import { MemoryCacheStore } from './memory-cache-store.js';
import { RedisCacheStore } from './redis-cache-store.js';
import { ResponseCache } from './response-cache.js';

/**
 * Notification channel of cache clears (payload: a model name, or `*` for all): every process drops
 * its in-memory entries, so that a clear on one replica is a clear everywhere, Redis or not.
 */
export const CACHE_CHANNEL = 'umbral_cache';

/** Bounds of a model whose policy went away while it still has entries. */
const DEFAULT_BOUNDS: MemoryBounds = { maxEntries: 10_000, maxBytes: 64 * 1024 ** 2 };

export interface OpenCacheDeps {
  readonly config: Pick<Config, 'cache' | 'redis'>;
  readonly db: Pick<Database, 'listen' | 'notify'>;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** A model's cache policy (model.yaml `cache`), read for the in-memory bounds. */
  readonly policyOf: (model: string) => CachePolicy | undefined;
}

export interface OpenedCache {
  readonly cache: ResponseCache;
  close(): Promise<void>;
}

/**
 * Opens the response cache: Redis when `REDIS_URL` is set and `cache.store` is auto (shared by every
 * replica), else one in-memory LRU per model. Redis being down never stops the start nor fails a
 * request: `cache.onRedisDown` picks memory or bypass, with one log line per outage and the
 * `umbral_cache_store_up` gauge. Clears reach every process through `CACHE_CHANNEL`.
 */
export async function openResponseCache(deps: OpenCacheDeps): Promise<OpenedCache> {
  const { config, db, metrics, logger } = deps;
  const memory = new MemoryCacheStore((model) => {
    const policy = deps.policyOf(model);
    return policy ? { maxEntries: policy.maxEntries, maxBytes: policy.maxBytes } : DEFAULT_BOUNDS;
  });
  const store = config.redis.url !== '' && config.cache.store === 'auto' ? await openShared(deps, memory) : memory;
  const stopListening = await db.listen(CACHE_CHANNEL, (payload) => void memory.clear(payload === '*' ? undefined : payload));
  const cache = new ResponseCache({
    store, memory,
    onLookup: (model, status) => metrics.cacheLookups.inc({ model, result: status }),
    // The store is cleared already: a database that cannot carry the news is worth a warning, not a failed clear.
    broadcastClear: (model) => db.notify(CACHE_CHANNEL, model ?? '*').catch((error: unknown) => {
      logger.warn({ err: error, model: model ?? '*' }, 'cache cleared here, but other processes could not be told (database unreachable); their in-memory entries stay until they expire');
    }),
  });
  metrics.watchCache(cache);
  logger.debug({ store: store.kind }, 'response cache open');
  return {
    cache,
    close: async () => {
      await stopListening();
      await cache.close();
    },
  };
}

async function openShared(deps: OpenCacheDeps, memory: MemoryCacheStore): Promise<CacheStore> {
  const { config, metrics, logger } = deps;
  const client = createRedisClient(config.redis.url, {
    connectionName: 'umbral-cache', onError: (error) => logger.debug({ err: error }, 'Redis connection error (cache)'),
  });
  await client.connect().catch(() => undefined);
  const fallback = config.cache.onRedisDown === 'memory' ? memory : undefined;
  return new FailSafeCacheStore(new RedisCacheStore({ client, prefix: config.redis.keyPrefix }), fallback, {
    onDown: (error) => {
      metrics.cacheStoreUp.set(0);
      logger.warn({ err: error, onRedisDown: config.cache.onRedisDown },
        fallback
          ? 'Redis is unreachable: the response cache uses this process\'s memory until it is back'
          : 'Redis is unreachable: responses are not cached until it is back (bypass)');
    },
    onUp: () => {
      metrics.cacheStoreUp.set(1);
      logger.info('Redis is reachable again: the response cache is shared again');
    },
    onFallback: () => metrics.cacheStoreFallbacks.inc(),
  });
}
