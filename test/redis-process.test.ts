import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CounterStore } from '../src/access/rate-limit/counter-store.js';
import { FailSafeCounterStore, type FailSafeOptions } from '../src/access/rate-limit/fail-safe-counter-store.js';
import { RedisCounterStore } from '../src/access/rate-limit/redis-counter-store.js';
import { closeRedis, createRedisClient } from '../src/store/redis-client.js';
import { redisServerAvailable, startRedisProcess, type RedisProcess } from './helpers/redis-process.js';

/** A bound on one store operation while Redis is gone: the 250 ms command timeout, plus scheduling slack. */
const FAST_MS = 400;

describe('Redis stopped and started under a running counter store', { skip: redisServerAvailable() }, () => {
  let redis: RedisProcess;
  before(async () => { redis = await startRedisProcess(); });
  after(() => redis?.close());

  async function open(policy: FailSafeOptions['policy'], events: string[]): Promise<FailSafeCounterStore> {
    const client = createRedisClient(redis.url);
    await client.connect();
    const inner = new RedisCounterStore({ client, prefix: `umbral-test-${randomBytes(6).toString('hex')}:` });
    return new FailSafeCounterStore(inner, {
      policy, backoffMs: 200, onDown: () => events.push('down'), onUp: () => events.push('up'),
    });
  }

  const allowedOf = async (store: CounterStore, key: string, n: number, limit: number) =>
    (await Promise.all(Array.from({ length: n }, () => store.hit(key, limit, 60_000)))).filter((d) => d.allowed).length;

  async function timed<T>(work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const result = await work();
    const ms = performance.now() - started;
    assert.ok(ms < FAST_MS, `took ${Math.round(ms)} ms with Redis down`);
    return result;
  }

  it('stops and starts the server on the same port', async () => {
    const client = createRedisClient(redis.url);
    try {
      await client.connect();
      assert.equal(await client.ping(), 'PONG');
      await redis.stop();
      await assert.rejects(client.ping());
      await redis.start();
      await until(async () => (await client.ping().catch(() => '')) === 'PONG', 'the client reconnects by itself');
    } finally {
      await closeRedis(client);
    }
  });

  it('closes a client within its bound whether Redis answers, hangs or is gone, and it stays closed', async () => {
    const errors: Error[] = [];
    const connected = async () => {
      const client = createRedisClient(redis.url, { onError: (error) => errors.push(error) });
      await client.connect();
      return client;
    };
    const answering = await connected();
    await closeRedis(answering, 300);
    const hanging = await connected();
    redis.pause();
    const started = performance.now();
    await closeRedis(hanging, 300);
    assert.ok(performance.now() - started < FAST_MS);
    redis.resume();
    const orphaned = await connected();
    await redis.stop();
    await sleep(100);
    await timed(() => closeRedis(orphaned, 300));
    const errorsAfterClose = errors.length;
    await sleep(500);
    assert.equal(errors.length, errorsAfterClose, 'no reconnect attempts after close');
    await redis.start();
    await sleep(1200);
    for (const client of [answering, hanging, orphaned]) await assert.rejects(client.ping(), 'none reconnected');
  });

  it('fails open fast while Redis is down, and enforces limits again once it is back, with the same store', async () => {
    const events: string[] = [];
    const store = await open('open', events);
    try {
      assert.equal(await allowedOf(store, 'before', 10, 3), 3);
      await redis.stop();
      for (let i = 0; i < 30; i++) {
        const decision = await timed(() => store.hit('during', 1, 60_000));
        assert.equal(decision.allowed, true);
        const lease = await timed(() => store.acquire('during', 1, 60_000));
        await timed(async () => lease?.release());
        await sleep(20);
      }
      assert.deepEqual(events, ['down']);
      await redis.start();
      await until(async () => (await store.hit('probe', 1000, 60_000)).bypassed === undefined, 'a probe reaches Redis again');
      assert.deepEqual(events, ['down', 'up']);
      assert.equal(await allowedOf(store, 'after', 10, 3), 3);
      assert.ok(await store.acquire('after', 1, 60_000));
      assert.equal(await store.acquire('after', 1, 60_000), undefined);
    } finally {
      await store.close();
    }
  });

  it('does not hang on a server that stops answering: one command timeout, then the back-off answers at once', async () => {
    const events: string[] = [];
    const store = await open('open', events);
    try {
      redis.pause();
      const durations: number[] = [];
      for (let i = 0; i < 10; i++) {
        const started = performance.now();
        assert.equal((await timed(() => store.hit('paused', 1, 60_000))).bypassed, true);
        durations.push(performance.now() - started);
      }
      assert.ok(durations[0] !== undefined && durations[0] >= 200, `the first call waited for the command timeout (${durations[0]} ms)`);
      assert.ok(durations.slice(1).every((ms) => ms < 20), `the others skipped Redis: ${durations.map(Math.round).join(', ')} ms`);
      assert.deepEqual(events, ['down']);
    } finally {
      redis.resume();
      await store.close();
    }
  });

  it('fails closed fast with 503 while Redis is down', async () => {
    const store = await open('closed', []);
    try {
      await redis.stop();
      for (let i = 0; i < 5; i++) {
        await timed(() => assert.rejects(store.hit('closed', 5, 60_000), { code: 'UMBRAL_ERR_RATE_LIMIT_UNAVAILABLE', status: 503 }));
      }
    } finally {
      await redis.start();
      await store.close();
    }
  });
});

async function until(condition: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await sleep(50);
  }
}
