import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { ResiliencePolicy } from './resilience-policy.js';
import { DEFAULT_RESILIENCE } from './resilience-config.js';
import { UpstreamError } from './upstream-error.js';
import { UpstreamGroup } from './upstream-group.js';

const never = new AbortController().signal;
const unavailable = () => new UpstreamError('503 from upstream', 'status', { status: 503 });

function policy(overrides: { retry?: Partial<ResiliencePolicy['retry']>; breaker?: Partial<ResiliencePolicy['breaker']>; timeoutMs?: number } = {}): ResiliencePolicy {
  return {
    ...DEFAULT_RESILIENCE, healthCheckIntervalMs: 0, timeoutMs: overrides.timeoutMs ?? 5_000,
    retry: { ...DEFAULT_RESILIENCE.retry, initialDelayMs: 1, maxDelayMs: 2, ...overrides.retry },
    breaker: { ...DEFAULT_RESILIENCE.breaker, ...overrides.breaker },
  };
}

function group(servers: string[], resilience = policy(), healthy: (url: string) => boolean = () => true) {
  return new UpstreamGroup<string>({
    name: 'm', servers, policy: resilience, connect: (url) => url, disconnect: async () => undefined,
    healthCheck: async (url) => healthy(url),
  });
}

const code = (expected: string) => (error: { code?: string }) => error.code === expected;

describe('UpstreamGroup', () => {
  it('sends each call to the server with the fewest calls in flight', async () => {
    const g = group(['a', 'b', 'c']);
    const seen: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    const calls = Array.from({ length: 6 }, () => g.call(async (url) => { seen.push(url); await held; return url; }, { signal: never }));
    assert.deepEqual(g.servers().map((s) => s.outstanding), [2, 2, 2]);
    release();
    await Promise.all(calls);
    assert.deepEqual(seen.sort(), ['a', 'a', 'b', 'b', 'c', 'c']);
  });

  it('skips a server whose health check fails, and uses it again once it passes', async () => {
    let upA = false;
    const g = group(['a', 'b'], policy(), (url) => url !== 'a' || upA);
    await g.checkHealth();
    const targets = await Promise.all(Array.from({ length: 10 }, () => g.call(async (url) => url, { signal: never })));
    assert.deepEqual(new Set(targets), new Set(['b']));
    upA = true;
    await g.checkHealth();
    assert.ok(g.servers().every((s) => s.healthy));
  });

  it('retries a 503 on another server and answers from there', async () => {
    const g = group(['a', 'b']);
    const tried: string[] = [];
    const answer = await g.call(async (url) => {
      tried.push(url);
      if (tried.length === 1) throw unavailable();
      return url;
    }, { signal: never });
    assert.equal(tried.length, 2);
    assert.notEqual(tried[0], tried[1]);
    assert.equal(answer, tried[1]);
  });

  it('never retries a 400, a 500 or a malformed answer, and maps each to its catalogue code', async () => {
    const cases: Array<[UpstreamError, string]> = [
      [new UpstreamError('bad input', 'status', { status: 400, upstreamMessage: 'INPUT0 has the wrong shape' }), 'UMBRAL_ERR_UPSTREAM_REJECTED'],
      [new UpstreamError('boom', 'status', { status: 500 }), 'UMBRAL_ERR_UPSTREAM_UNAVAILABLE'],
      [new UpstreamError('not json', 'protocol'), 'UMBRAL_ERR_UPSTREAM_FAILED'],
    ];
    for (const [failure, expected] of cases) {
      let attempts = 0;
      await assert.rejects(group(['a', 'b']).call(async () => { attempts++; throw failure; }, { signal: never }), code(expected));
      assert.equal(attempts, 1, expected);
    }
  });

  it('does not retry a 429 whose Retry-After is past the deadline, and passes it on', async () => {
    let attempts = 0;
    const g = group(['a'], policy({ timeoutMs: 500 }));
    await assert.rejects(g.call(async () => { attempts++; throw new UpstreamError('slow down', 'status', { status: 429, retryAfterMs: 5_000 }); }, { signal: never }),
      (error: { code?: string; retryAfterSeconds?: number }) => error.code === 'UMBRAL_ERR_UPSTREAM_RATE_LIMITED' && error.retryAfterSeconds === 5);
    assert.equal(attempts, 1);
  });

  it('waits at least the Retry-After before retrying a 429', async () => {
    const g = group(['a']);
    const times: number[] = [];
    await g.call(async () => {
      times.push(performance.now());
      if (times.length === 1) throw new UpstreamError('slow down', 'status', { status: 429, retryAfterMs: 100 });
      return 'ok';
    }, { signal: never });
    assert.ok((times[1] as number) - (times[0] as number) >= 95);
  });

  it('opens a server\'s breaker after consecutive failures, then refuses without calling it', async () => {
    const g = group(['a'], policy({ retry: { maxAttempts: 1 }, breaker: { consecutiveFailures: 3, minRequests: 100, windowSize: 100 } }));
    let attempts = 0;
    for (let i = 0; i < 3; i++) await assert.rejects(g.call(async () => { attempts++; throw unavailable(); }, { signal: never }));
    assert.equal(g.servers()[0]?.breaker, 'open');
    assert.equal(g.ready(), false);
    await assert.rejects(g.call(async () => { attempts++; return 'x'; }, { signal: never }), code('UMBRAL_ERR_CIRCUIT_OPEN'));
    assert.equal(attempts, 3);
  });

  it('opens on the failure ratio once the minimum of calls is reached, not before', async () => {
    const g = group(['a'], policy({ retry: { maxAttempts: 1 }, breaker: { consecutiveFailures: 100, failureRatio: 0.5, windowSize: 10, minRequests: 10 } }));
    const run = (fail: boolean) => g.call(async () => { if (fail) throw unavailable(); return 'ok'; }, { signal: never }).catch(() => undefined);
    for (let i = 0; i < 9; i++) await run(i % 2 === 0); // 5 failures of 9 calls: below the minimum
    assert.equal(g.servers()[0]?.breaker, 'closed');
    await run(true); // 6 of 10
    assert.equal(g.servers()[0]?.breaker, 'open');
  });

  it('lets one probe through after half_open_after and closes again when it succeeds', async () => {
    const g = group(['a'], policy({ retry: { maxAttempts: 1 }, breaker: { consecutiveFailures: 1, halfOpenAfterMs: 50 } }));
    await assert.rejects(g.call(async () => { throw unavailable(); }, { signal: never }));
    assert.equal(g.servers()[0]?.breaker, 'open');
    await sleep(60);
    assert.equal(await g.call(async () => 'probe', { signal: never }), 'probe');
    assert.equal(g.servers()[0]?.breaker, 'closed');
  });

  it('keeps retries within the budget when every attempt fails', async () => {
    const g = group(['a', 'b'], policy({ retry: { maxAttempts: 5, budgetRatio: 0.2, minRetriesPerSecond: 0 }, breaker: { consecutiveFailures: 1_000_000, minRequests: 1_000_000, windowSize: 1_000_000 } }));
    let attempts = 0;
    for (let i = 0; i < 1000; i++) await g.call(async () => { attempts++; throw unavailable(); }, { signal: never }).catch(() => undefined);
    assert.ok(attempts <= 1000 * 1.2 + 1, `${attempts} attempts for 1000 calls`);
    assert.ok(attempts > 1000, 'some retries were allowed');
  });

  it('ends a hanging call at the deadline with DEADLINE_EXCEEDED, and signals the attempt', async () => {
    const g = group(['a'], policy({ timeoutMs: 100 }));
    let aborted = false;
    await assert.rejects(g.call((_url, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => {
      aborted = true;
      reject(signal.reason as Error);
    })), { signal: never }), code('UMBRAL_ERR_DEADLINE_EXCEEDED'));
    assert.ok(aborted);
  });

  it('rejects with the caller\'s reason when the caller gives up', async () => {
    const g = group(['a']);
    const caller = new AbortController();
    const reason = new Error('client went away');
    const call = g.call((_url, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error))), { signal: caller.signal });
    caller.abort(reason);
    await assert.rejects(call, (error) => error === reason);
  });

  it('keeps the state of servers that stay when the list changes', async () => {
    const g = group(['a', 'b'], policy({ retry: { maxAttempts: 1 }, breaker: { consecutiveFailures: 1 } }));
    await assert.rejects(g.call(async (url) => { throw new UpstreamError(`${url} down`, 'connect'); }, { signal: never }));
    const open = g.servers().find((s) => s.breaker === 'open')?.url as string;
    g.setServers([open, 'c']);
    assert.deepEqual(g.servers().map((s) => [s.url, s.breaker]), [[open, 'open'], ['c', 'closed']]);
    assert.throws(() => g.setServers([]), /at least one server/);
    const picky = new UpstreamGroup<string>({
      name: 'p', servers: ['http://a'], policy: policy(), disconnect: async () => undefined, healthCheck: async () => true,
      connect: (url) => {
        if (!url.startsWith('http')) throw new Error(`'${url}': use http(s)://host:port`);
        return url;
      },
    });
    assert.throws(() => picky.setServers(['http://b', 'b:1']), (error: { code?: string; message: string }) =>
      error.code === 'UMBRAL_ERR_INVALID_REQUEST' && /use http/.test(error.message));
    assert.deepEqual(picky.servers().map((s) => s.url), ['http://a'], 'a refused list changes nothing');
  });
});

describe('UpstreamGroup, continued', () => {
  it('rotates among servers equally idle rather than always taking the first', async () => {
    const g = group(['a', 'b', 'c']);
    const targets: string[] = [];
    for (let i = 0; i < 6; i++) targets.push(await g.call(async (url) => url, { signal: never }));
    assert.deepEqual([...targets].sort(), ['a', 'a', 'b', 'b', 'c', 'c']);
  });

  it('still tries servers that failed their health check when no server passed it', async () => {
    const g = group(['a', 'b'], policy(), () => false);
    await g.checkHealth();
    assert.equal(g.ready(), false);
    assert.equal(await g.call(async () => 'answered', { signal: never }), 'answered');
  });

  it('says how long until the first breaker half-opens when every breaker is open', async () => {
    const g = group(['a', 'b'], policy({ retry: { maxAttempts: 1 }, breaker: { consecutiveFailures: 1, halfOpenAfterMs: 2_500 } }));
    for (let i = 0; i < 2; i++) await g.call(async () => { throw unavailable(); }, { signal: never }).catch(() => undefined);
    let attempts = 0;
    await assert.rejects(g.call(async () => ++attempts, { signal: never }),
      (error: { code?: string; retryAfterSeconds?: number }) => error.code === 'UMBRAL_ERR_CIRCUIT_OPEN' && error.retryAfterSeconds === 3);
    assert.equal(attempts, 0);
  });

  it('ends an attempt that ignores its signal at the deadline, and counts it against the server', async () => {
    const g = group(['a'], policy({ timeoutMs: 50, breaker: { consecutiveFailures: 1 } }));
    await assert.rejects(g.call(() => new Promise<never>(() => undefined), { signal: never }), code('UMBRAL_ERR_DEADLINE_EXCEEDED'));
    assert.equal(g.servers()[0]?.breaker, 'open');
    assert.equal(g.servers()[0]?.outstanding, 0);
  });

  it('does not count a caller who leaves against the server', async () => {
    const g = group(['a'], policy({ breaker: { consecutiveFailures: 1 } }));
    const caller = new AbortController();
    const call = g.call(() => new Promise<never>(() => undefined), { signal: caller.signal });
    caller.abort(new Error('gone'));
    await assert.rejects(call, /gone/);
    assert.equal(g.servers()[0]?.breaker, 'closed');
  });

  it('checks health from the start and on its interval, reporting each change', async () => {
    let up = false;
    const changes: Array<[string, boolean]> = [];
    const g = new UpstreamGroup<string>({
      name: 'm', servers: ['a'], policy: { ...policy(), healthCheckIntervalMs: 20 }, connect: (url) => url, disconnect: async () => undefined,
      healthCheck: async (_url, signal) => {
        assert.equal(signal.aborted, false);
        return up;
      },
      observer: { health: (_group, server, healthy) => changes.push([server, healthy]) },
    });
    await sleep(5);
    assert.equal(g.servers()[0]?.healthy, false, 'the first check runs at construction');
    up = true;
    await sleep(50);
    assert.equal(g.ready(), true);
    assert.deepEqual(changes, [['a', true], ['a', false], ['a', true]]);
    await g.close();
  });

  it('reports each attempt and retry to its observer', async () => {
    const attempts: string[] = [];
    let retries = 0;
    const g = new UpstreamGroup<string>({
      name: 'm', servers: ['a', 'b'], policy: policy(), connect: (url) => url, disconnect: async () => undefined, healthCheck: async () => true,
      observer: { attempt: (_group, _server, outcome) => attempts.push(outcome), retry: () => retries++ },
    });
    let n = 0;
    await g.call(async () => { if (n++ === 0) throw unavailable(); return 'ok'; }, { signal: never });
    await g.call(async () => { throw new TypeError('a bug'); }, { signal: never }).catch(() => undefined);
    assert.deepEqual(attempts, ['status_503', 'ok', 'error']);
    assert.equal(retries, 1);
  });

  it('disconnects a removed server once its calls in flight have finished', async () => {
    const closed: string[] = [];
    const g = new UpstreamGroup<string>({
      name: 'm', servers: ['a'], policy: policy(), connect: (url) => url, healthCheck: async () => true,
      disconnect: async (client) => { closed.push(client); },
    });
    let release!: () => void;
    const call = g.call(() => new Promise<string>((resolve) => { release = () => resolve('done'); }), { signal: never });
    g.setServers(['b']);
    assert.deepEqual(closed, []);
    release();
    assert.equal(await call, 'done');
    assert.deepEqual(closed, ['a']);
    assert.equal(await g.call(async (url) => url, { signal: never }), 'b');
  });
});
