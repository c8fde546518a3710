import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startKserveUpstream, type KserveUpstream } from './support/fault-upstream/index.js';
import { redisServerAvailable, startRedisProcess, type RedisProcess } from './helpers/redis-process.js';
import { within } from './helpers/replica-kit.js';
import { addSubRequest, kserveModel } from './helpers/remote-kit.js';
import { postJson, startTestServer, type TestServer } from './helpers/test-server.js';

const DOWN_MEMORY = /Redis is unreachable: the response cache uses this process's memory/;
const DOWN_BYPASS = /Redis is unreachable: responses are not cached until it is back/;
const UP = /Redis is reachable again: the response cache/;
const QUIET = { retry: { max_attempts: 1 }, breaker: { consecutive_failures: 1000 }, health_check_interval_ms: 0 };

describe('response cache on Redis, with Redis stopped and started under load', { skip: redisServerAvailable() }, () => {
  let redis: RedisProcess;
  let upstream: KserveUpstream;
  const servers: Record<'memory' | 'bypass', TestServer> = {} as never;

  before(async () => {
    [redis, upstream] = await Promise.all([startRedisProcess(), startKserveUpstream()]);
    for (const onRedisDown of ['memory', 'bypass'] as const) {
      servers[onRedisDown] = await startTestServer({
        models: {},
        extraModels: { adder: kserveModel([upstream.httpUrl], { cache: { ttl_seconds: 60 }, resilience: QUIET }) },
        overrides: { 'redis.url': redis.url, 'redis.keyPrefix': `t-${randomBytes(4).toString('hex')}:`, 'cache.onRedisDown': onRedisDown },
      });
    }
  });
  after(async () => {
    await Promise.all(Object.values(servers).map((server) => server.shutdown('test over')));
    await Promise.all([redis.close(), upstream.close()]);
  });

  /** Sends one request of a loop over five different inputs; returns its status and cache header. */
  const request = async (server: TestServer, i: number) => {
    const answer = await postJson(`${server.url}/v2/models/adder/infer`, addSubRequest(100 + (i % 5)));
    return `${answer.status} ${answer.headers.get('x-umbral-cache')}`;
  };
  const loop = async (server: TestServer, from: number, count: number) => {
    const outcomes: string[] = [];
    for (let i = from; i < from + count; i++) outcomes.push(await request(server, i));
    return outcomes;
  };
  const logged = (server: TestServer, pattern: RegExp) => server.logLines().filter((line) => pattern.test(String(line.msg))).length;

  it('keeps serving with zero 5xx: memory during the outage, one log line each way, shared again after', async () => {
    const server = servers.memory;
    const up = await loop(server, 0, 10);
    assert.deepEqual(up.slice(5), Array(5).fill('200 hit'), 'hits through Redis');
    const [downLines, upLines] = [logged(server, DOWN_MEMORY), logged(server, UP)];
    await redis.stop();
    const down = await loop(server, 0, 20);
    assert.deepEqual(down.slice(0, 5), Array(5).fill('200 miss'), 'Redis is gone: the memory fallback starts empty');
    assert.deepEqual(down.slice(5), Array(15).fill('200 hit'), 'then answers from memory');
    await redis.start();
    let i = 0;
    await within(5000, async () => {
      assert.equal((await request(server, i++)).split(' ')[0], '200');
      return /^umbral_cache_store_up 1$/m.test(await (await fetch(`${server.url}/metrics`)).text());
    });
    // Redis came back empty, and the outage's memory entries were dropped: a miss, then a hit through Redis.
    const afterwards = await loop(server, 1000, 10);
    assert.deepEqual(afterwards.map((o) => o.split(' ')[0]), Array(10).fill('200'));
    assert.deepEqual(afterwards.slice(5), Array(5).fill('200 hit'));
    assert.equal(logged(server, DOWN_MEMORY) - downLines, 1, JSON.stringify(server.logLines().filter((l) => /Redis/.test(String(l.msg)))));
    assert.equal(logged(server, UP) - upLines, 1, JSON.stringify(server.logLines().filter((l) => /Redis/.test(String(l.msg)))));
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /umbral_cache_store_fallbacks_total [1-9]/);
  });

  it('bypasses the cache while Redis is down when told to, still with zero 5xx', async () => {
    const server = servers.bypass;
    await within(5000, async () => (await request(server, 0)) === '200 hit');
    const downLines = logged(server, DOWN_BYPASS);
    await redis.stop();
    try {
      const down = await loop(server, 0, 15);
      assert.deepEqual(down, Array(15).fill('200 miss'));
      assert.equal(logged(server, DOWN_BYPASS) - downLines, 1);
    } finally {
      await redis.start();
    }
  });
});
