import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/load-config.js';
import { createRedisClient } from '../store/redis-client.js';
import { cacheStoreContract } from '../../test/support/cache/cache-store-contract.js';
import { RedisCacheStore } from './redis-cache-store.js';

const redisUrl = loadConfig().redis.url;
// Every run gets its own key space, so parallel runs and other suites on the same Redis never meet.
const prefix = `umbral-test-${randomBytes(6).toString('hex')}:`;

async function open(): Promise<RedisCacheStore> {
  const client = createRedisClient(redisUrl);
  await client.connect();
  return new RedisCacheStore({ client, prefix });
}

describe('redis cache', { skip: redisUrl ? false : 'REDIS_URL is not set: Redis tests skipped' }, () => {
  cacheStoreContract('redis', open);

  it('shares entries between two stores on separate connections (two replicas), with a native TTL', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const client = createRedisClient(redisUrl);
    try {
      await client.connect();
      await a.set('m', 'k', 'shared', 5000);
      assert.equal(await b.get('m', 'k'), 'shared');
      const ttl = await client.pttl(`${prefix}cache:m:k`);
      assert.ok(ttl > 4000 && ttl <= 5000, `TTL ${ttl}`);
      await b.clear('m');
      assert.equal(await a.get('m', 'k'), undefined);
    } finally {
      await Promise.all([a.close(), b.close(), client.quit()]);
    }
  });
});
