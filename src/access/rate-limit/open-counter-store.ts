import type { Logger } from 'pino';
import type { Config } from '../../config/schema.js';
import type { Metrics } from '../../observability/metrics.js';
import { createRedisClient } from '../../store/redis-client.js';
import type { CounterStore } from './counter-store.js';
import { FailSafeCounterStore } from './fail-safe-counter-store.js';
import { MemoryCounterStore } from './memory-counter-store.js';
import { RedisCounterStore } from './redis-counter-store.js';

/**
 * The counters behind rate limits and login throttling: in memory (one process), or in Redis when
 * `REDIS_URL` is set, so every replica counts against one limit. Redis being down never stops the
 * start: the store reconnects by itself, and until then `rateLimit.onRedisDown` decides, with one
 * log line per outage and the `umbral_rate_limit_store_up` gauge.
 */
export async function openCounterStore(config: Pick<Config, 'redis' | 'rateLimit'>, metrics: Metrics, logger: Logger): Promise<CounterStore> {
  if (config.redis.url === '') return new MemoryCounterStore();
  const client = createRedisClient(config.redis.url, {
    onError: (error) => logger.debug({ err: error }, 'Redis connection error'),
  });
  await client.connect().catch(() => undefined);
  return new FailSafeCounterStore(new RedisCounterStore({ client, prefix: config.redis.keyPrefix }), {
    policy: config.rateLimit.onRedisDown,
    onDown: (error) => {
      metrics.rateLimitStoreUp.set(0);
      logger.warn({ err: error, policy: config.rateLimit.onRedisDown },
        config.rateLimit.onRedisDown === 'open'
          ? 'Redis is unreachable: rate limits and login throttling are off until it is back (fail-open)'
          : 'Redis is unreachable: rate-limited requests and logins answer 503 until it is back (fail-closed)');
    },
    onUp: () => {
      metrics.rateLimitStoreUp.set(1);
      logger.info('Redis is reachable again: rate limits apply');
    },
  });
}
