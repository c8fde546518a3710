import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { BUNDLED_MODELS_DIR } from '../src/paths.js';
import { SPAM_REQUEST, call, createKey, startSecuredServer, type Answer } from './helpers/access-kit.js';
import { redisServerAvailable, startRedisProcess, type RedisProcess } from './helpers/redis-process.js';
import type { TestServer } from './helpers/test-server.js';

const spam = join(BUNDLED_MODELS_DIR, 'spam-classifier');
/** The spam classifier again, as `limited`, with a per-caller limit in its model.yaml. */
const LIMITED_MODEL = {
  'model.yaml': `${readFileSync(join(spam, 'model.yaml'), 'utf8')}\nrate_limit:\n  requests_per_minute: 2\n`,
  '1/model.onnx': readFileSync(join(spam, '1/model.onnx')),
};
const infer = (server: TestServer, key: string, model = 'spam-classifier') =>
  call(server, 'POST', `/v2/models/${model}/infer`, { credential: key, body: SPAM_REQUEST });

/** Starts an inference request whose body is held back: it holds its concurrency slot until `finish`. */
function heldRequest(server: TestServer, key: string): { status: Promise<number>; finish: () => void } {
  const body = JSON.stringify(SPAM_REQUEST);
  const url = new URL(`${server.url}/v2/models/spam-classifier/infer`);
  const req = request(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (response) => { response.resume(); resolve(response.statusCode ?? 0); });
    req.on('error', reject);
  });
  req.write(body.slice(0, 10));
  return { status, finish: () => req.end(body.slice(10)) };
}

describe('rate limits (in memory)', () => {
  let server: TestServer;
  before(async () => {
    server = await startSecuredServer({
      models: { 'spam-classifier': spam }, extraModels: { limited: LIMITED_MODEL }, overrides: { 'rateLimit.requestsPerMinute': 5 },
    });
  });
  after(() => server?.shutdown('test done'));

  it('answers 429 past a key\'s own limit, with Retry-After and RateLimit headers', async () => {
    const { key } = await createKey(server, { scopes: ['infer'], limits: { requestsPerMinute: 3 } });
    const answers: Answer[] = [];
    for (let i = 0; i < 4; i += 1) answers.push(await infer(server, key));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 429]);
    assert.equal(answers[0]?.headers.get('ratelimit-limit'), '3');
    assert.equal(answers[0]?.headers.get('ratelimit-remaining'), '2');
    assert.match(answers[0]?.headers.get('ratelimit-policy') ?? '', /3;w=60/);
    const refused = answers[3] as Answer;
    assert.equal(refused.body.code, 'UMBRAL_ERR_RATE_LIMITED');
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.equal(refused.headers.get('ratelimit-remaining'), '0');
    // Another key has counts of its own.
    assert.equal((await infer(server, (await createKey(server, { scopes: ['infer'] })).key)).status, 200);
  });

  it('applies the server\'s defaults to keys without limits of their own', async () => {
    const { key } = await createKey(server, { scopes: ['infer'] });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await infer(server, key)).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
  });

  it('applies a model\'s own per-caller limit from model.yaml', async () => {
    const { key } = await createKey(server, { scopes: ['infer'], limits: { requestsPerMinute: 100 } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await infer(server, key, 'limited')).status);
    assert.deepEqual(statuses, [200, 200, 429]);
    assert.equal((await infer(server, key)).status, 200, 'the model limit counts that model only');
  });

  it('limits requests in flight, and frees the slot when a request ends', async () => {
    const { key } = await createKey(server, { scopes: ['infer'], limits: { concurrent: 1, requestsPerMinute: 100 } });
    const held = heldRequest(server, key);
    await sleep(100);
    const second = await infer(server, key);
    assert.equal(second.status, 429);
    held.finish();
    assert.equal(await held.status, 200);
    assert.equal((await infer(server, key)).status, 200);
  });

  it('counts refusals in /metrics', async () => {
    const metrics = await call(server, 'GET', '/metrics', { credential: (await createKey(server, { scopes: ['admin:read'] })).key });
    assert.match(String(metrics.body.text), /umbral_rate_limited_total [1-9]/);
  });
});

const noRedis = redisServerAvailable();

describe('rate limits in Redis', { skip: noRedis }, () => {
  let redis: RedisProcess;
  before(async () => { redis = await startRedisProcess(); });
  after(() => redis?.close());

  it('keeps serving through a Redis outage (fail-open), says so once, and limits again after', async () => {
    const server = await startSecuredServer({ models: { 'spam-classifier': spam }, overrides: { 'redis.url': redis.url } });
    try {
      const { key } = await createKey(server, { scopes: ['infer'], limits: { requestsPerMinute: 100_000 } });
      const statuses: number[] = [];
      let stopAt = 0;
      const loop = (async () => {
        const until = Date.now() + 4_000;
        while (Date.now() < until) statuses.push((await infer(server, key)).status);
      })();
      await sleep(800);
      await redis.stop();
      stopAt = statuses.length;
      await sleep(1_500);
      const metricsDuring = await call(server, 'GET', '/metrics', { credential: (await createKey(server, { scopes: ['admin:read'] })).key });
      await redis.start();
      await loop;
      assert.ok(statuses.length > stopAt + 5, 'requests went on during the outage');
      assert.deepEqual(statuses.filter((s) => s !== 200), [], 'no request failed while Redis was down');
      assert.match(String(metricsDuring.body.text), /umbral_rate_limit_store_up 0/);
      assert.match(String(metricsDuring.body.text), /umbral_rate_limit_bypassed_total [1-9]/);
      const outageLines = server.logLines().filter((line) => String(line.msg).startsWith('Redis is unreachable'));
      assert.equal(outageLines.length, 1);
      await sleep(600);
      const { key: tight } = await createKey(server, { scopes: ['infer'], limits: { requestsPerMinute: 1 } });
      assert.deepEqual([(await infer(server, tight)).status, (await infer(server, tight)).status], [200, 429]);
      assert.ok(server.logLines().some((line) => String(line.msg).startsWith('Redis is reachable again')));
    } finally {
      await server.shutdown('test done');
    }
  });

  it('answers 503 during an outage when configured to fail closed', async () => {
    const server = await startSecuredServer({
      models: { 'spam-classifier': spam }, overrides: { 'redis.url': redis.url, 'rateLimit.onRedisDown': 'closed', 'rateLimit.requestsPerMinute': 1000 },
    });
    try {
      const { key } = await createKey(server, { scopes: ['infer'] });
      assert.equal((await infer(server, key)).status, 200);
      await redis.stop();
      const answer = await infer(server, key);
      assert.equal(answer.status, 503);
      assert.equal(answer.body.code, 'UMBRAL_ERR_RATE_LIMIT_UNAVAILABLE');
    } finally {
      await redis.start();
      await server.shutdown('test done');
    }
  });
});
