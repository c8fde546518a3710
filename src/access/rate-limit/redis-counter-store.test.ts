import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadConfig } from '../../config/load-config.js';
import { createRedisClient } from '../../store/redis-client.js';
import { counterStoreContract } from '../../../test/support/access/counter-store-contract.js';
import { RedisCounterStore } from './redis-counter-store.js';

const redisUrl = loadConfig().redis.url;
// Every run gets its own key space, so parallel runs and other suites on the same Redis never meet.
const prefix = `umbral-test-${randomBytes(6).toString('hex')}:`;

async function open(): Promise<RedisCounterStore> {
  const client = createRedisClient(redisUrl);
  await client.connect();
  return new RedisCounterStore({ client, prefix });
}

describe('redis', { skip: redisUrl ? false : 'REDIS_URL is not set: Redis tests skipped' }, () => {
  counterStoreContract('redis', open);

  describe('RedisCounterStore specifics', () => {
    it('shares one limit between two stores on separate connections (two replicas)', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      try {
        const decisions = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).hit('shared', 10, 60_000)));
        assert.equal(decisions.filter((d) => d.allowed).length, 10);
        const leases = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).acquire('shared', 3, 60_000)));
        assert.equal(leases.filter((lease) => lease !== undefined).length, 3);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('gives every key a TTL, so abandoned counters vanish', async () => {
      const store = await open();
      const client = createRedisClient(redisUrl);
      try {
        await client.connect();
        await store.hit('ttl', 5, 1000);
        assert.ok(await store.acquire('ttl', 5, 3000));
        const window = await client.pttl(`${prefix}rl:w:ttl`);
        const leases = await client.pttl(`${prefix}rl:l:ttl`);
        assert.ok(window > 0 && window <= 2000, `window key TTL ${window}`);
        assert.ok(leases > 2000 && leases <= 3000, `lease key TTL ${leases}`);
      } finally {
        await Promise.all([store.close(), client.quit()]);
      }
    });
  });
});
