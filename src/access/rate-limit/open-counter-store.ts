import type { Logger } from 'pino';
import type { Config } from '../../config/schema.js';
import type { Metrics } from '../../observability/metrics.js';
import { createRedisClient } from '../../store/redis-client.js';
import type { CounterStore } from './counter-store.js';
import { FailSafeCounterStore } from './fail-safe-counter-store.js';
import { MemoryCounterStore } from './memory-counter-store.js';
import { RedisCounterStore } from './redis-counter-store.js';

/** The counters of one server: one store, seen two ways while Redis is down. */
export interface CounterStores {
  /** Rate limits: while Redis is down, `rateLimit.onRedisDown` decides (unchecked, or 503). */
  readonly rateLimits: CounterStore;
  /** Login throttling: never off; while Redis is down, counted in this process's memory. */
  readonly logins: CounterStore;
  /** Closes both. */
  close(): Promise<void>;
}

/**
 * The counters behind rate limits and login throttling: in memory (one process), or in Redis when
 * `REDIS_URL` is set, so every replica counts against one limit. Redis being down never stops the
 * start: the client reconnects by itself, and until then `rateLimit.onRedisDown` decides for rate
 * limits while failed logins are counted per process (password guessing is never unthrottled),
 * with one log line per outage and the `umbral_rate_limit_store_up` gauge.
 */
export async function openCounterStore(config: Pick<Config, 'redis' | 'rateLimit'>, metrics: Metrics, logger: Logger): Promise<CounterStores> {
  if (config.redis.url === '') {
    const memory = new MemoryCounterStore();
    return { rateLimits: memory, logins: memory, close: () => memory.close() };
  }
  const client = createRedisClient(config.redis.url, {
    onError: (error) => logger.debug({ err: error }, 'Redis connection error'),
  });
  await client.connect().catch(() => undefined);
  const policy = config.rateLimit.onRedisDown;
  const shared = new FailSafeCounterStore(new RedisCounterStore({ client, prefix: config.redis.keyPrefix }), {
    policy,
    onDown: (error) => {
      metrics.rateLimitStoreUp.set(0);
      logger.warn({ err: error, policy }, `${policy === 'open'
        ? 'Redis is unreachable: rate limits are off until it is back (fail-open)'
        : 'Redis is unreachable: rate-limited requests answer 503 until it is back (fail-closed)'}; `
        + 'failed logins are counted in this process meanwhile, so login throttling stays on');
    },
    onUp: () => {
      metrics.rateLimitStoreUp.set(1);
      logger.info('Redis is reachable again: rate limits and login throttling use the shared counters');
    },
  });
  const logins = shared.withFallback(new MemoryCounterStore());
  return {
    rateLimits: shared, logins,
    close: async () => {
      await logins.close();
      await shared.close();
    },
  };
}
