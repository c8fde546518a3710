import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Errors } from '../../errors/catalogue.js';
import { anonymousPrincipal, type Limits } from '../principal.js';
import type { CounterStore, Lease, WindowDecision } from './counter-store.js';
import { FailSafeCounterStore } from './fail-safe-counter-store.js';
import { MemoryCounterStore } from './memory-counter-store.js';
import { RateLimiter, rateLimitHeaders, type RateDecision } from './rate-limiter.js';

/** The memory store, counting the calls that reach it. */
class CountingStore implements CounterStore {
  readonly memory = new MemoryCounterStore();
  calls = 0;
  hit(key: string, limit: number, windowMs: number, cost?: number): Promise<WindowDecision> {
    this.calls++;
    return this.memory.hit(key, limit, windowMs, cost);
  }
  acquire(key: string, limit: number, leaseMs: number): Promise<Lease | undefined> {
    this.calls++;
    return this.memory.acquire(key, limit, leaseMs);
  }
  close(): Promise<void> {
    return this.memory.close();
  }
}

/** Checks a request, returning the 429's headers instead of throwing them. */
function refused(limiter: RateLimiter, id: string, limits?: Limits, model?: { name: string; limits?: Limits }) {
  return refusedBy(() => limiter.check(id, limits, model));
}

async function refusedBy(check: () => Promise<RateDecision>) {
  try {
    await check();
  } catch (error) {
    const headers = rateLimitHeaders(error);
    assert.ok(headers, `a 429 with headers, not ${String(error)}`);
    const { message, status, retryAfterSeconds } = error as { message: string; status: number; retryAfterSeconds: number };
    return { message, status, retryAfterSeconds, headers };
  }
  return assert.fail('the check was admitted');
}

describe('RateLimiter', () => {
  let store: CountingStore;
  const limiter = (defaults: Limits = {}) => new RateLimiter({ store, defaults, leaseMs: 60_000 });
  beforeEach(() => { store = new CountingStore(); });
  afterEach(() => store.close());

  it('costs no store call when no limit applies', async () => {
    const decision = await limiter({ requestsPerSecond: 0 }).check('key:a', undefined);
    await limiter({ requestsPerSecond: 5 }).check('key:a', {}, { name: 'm' });
    decision.release();
    assert.deepEqual(decision.headers, {});
    assert.equal(store.calls, 0);
  });

  it('applies the defaults and refuses past them with 429, Retry-After and RateLimit headers', async () => {
    const rl = limiter({ requestsPerSecond: 2 });
    const first = await rl.check('key:a', undefined);
    assert.deepEqual(first.headers, { 'RateLimit-Limit': '2', 'RateLimit-Remaining': '1', 'RateLimit-Reset': '1', 'RateLimit-Policy': '2;w=1' });
    await rl.check('key:a', undefined);
    const denial = await refused(rl, 'key:a');
    assert.equal(denial.status, 429);
    assert.match(denial.message, /2 requests per second/);
    // Two hits early in a 1 s window: the next fits once they have half faded in the next window.
    const wait = String(denial.retryAfterSeconds);
    assert.ok(denial.retryAfterSeconds >= 1 && denial.retryAfterSeconds <= 2, `Retry-After ${wait}`);
    assert.deepEqual(denial.headers, {
      'RateLimit-Limit': '2', 'RateLimit-Remaining': '0', 'RateLimit-Reset': wait, 'RateLimit-Policy': '2;w=1', 'Retry-After': wait,
    });
  });

  it('lets a principal\'s own limits replace the defaults', async () => {
    const rl = limiter({ requestsPerSecond: 1 });
    for (let i = 0; i < 3; i++) await rl.check('key:own', { requestsPerMinute: 3 });
    assert.match((await refused(rl, 'key:own', { requestsPerMinute: 3 })).message, /3 requests per minute/);
  });

  it('reports the most constraining window, and every window in the policy', async () => {
    const decision = await limiter().check('key:a', { requestsPerSecond: 10, requestsPerMinute: 3 });
    assert.equal(decision.headers['RateLimit-Limit'], '3');
    assert.equal(decision.headers['RateLimit-Remaining'], '2');
    assert.ok(Number(decision.headers['RateLimit-Reset']) >= 1 && Number(decision.headers['RateLimit-Reset']) <= 60);
    assert.equal(decision.headers['RateLimit-Policy'], '10;w=1, 3;w=60');
  });

  it('applies model limits per principal per model, and counts nothing a refused request passed', async () => {
    const rl = limiter();
    const own = { requestsPerMinute: 3 };
    const model = { name: 'spam', limits: { requestsPerMinute: 1 } };
    await rl.check('key:a', own, model);
    assert.match((await refused(rl, 'key:a', own, model)).message, /1 requests per minute on model 'spam'/);
    await rl.check('key:b', own, model);
    await rl.check('key:a', own, { name: 'other' });
    await rl.check('key:a', own);
    // Three admitted for key:a; had the refused one counted, the last would have been refused too.
    await refused(rl, 'key:a', own);
  });

  it('admits a principal by its own limits, and on a model by the model\'s limits alone', async () => {
    const rl = new RateLimiter({ store, defaults: {}, leaseMs: 60_000 });
    const principal = anonymousPrincipal('10.0.0.1', new Set());
    const own = { ...principal, limits: { requestsPerMinute: 2 } };
    assert.equal((await rl.admitOnModel(own, 'spam', { requestsPerMinute: 1 })).headers['RateLimit-Limit'], '1');
    assert.match((await refusedBy(() => rl.admitOnModel(own, 'spam', { requestsPerMinute: 1 }))).message, /on model 'spam'/);
    await rl.admit(own);
    await rl.admit(own);
    assert.match((await refusedBy(() => rl.admit(own))).message, /\(2 requests per minute\)/);
    assert.equal((await rl.admitOnModel(own, 'other', { requestsPerMinute: 5 })).headers['RateLimit-Remaining'], '4', 'a model counts apart from the caller\'s own limits');
    assert.deepEqual((await rl.admit(principal)).headers, {}, 'no limits of its own and no defaults');
  });

  it('limits requests in flight and frees the slot on release, once', async () => {
    const rl = limiter({ concurrent: 2 });
    const [a] = [await rl.check('key:a', undefined), await rl.check('key:a', undefined)];
    const denial = await refused(rl, 'key:a');
    assert.match(denial.message, /2 concurrent requests/);
    assert.equal(denial.headers['Retry-After'], '1');
    a?.release();
    a?.release();
    await new Promise((resolve) => setImmediate(resolve));
    await rl.check('key:a', undefined);
    await refused(rl, 'key:a');
  });

  it('admits exactly the concurrency limit out of parallel checks, refunding the windows of the others', async () => {
    const rl = limiter({ concurrent: 5, requestsPerMinute: 100 });
    const settled = await Promise.allSettled(Array.from({ length: 30 }, () => rl.check('key:a', undefined)));
    const admitted = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    assert.equal(admitted.length, 5);
    for (const decision of admitted) decision.release();
    await new Promise((resolve) => setImmediate(resolve));
    const next: RateDecision = await rl.check('key:a', undefined);
    assert.equal(next.headers['RateLimit-Remaining'], String(100 - 6));
  });

  it('sends no RateLimit headers for counters it could not check (fail open)', async () => {
    const down: CounterStore = {
      hit: () => Promise.reject(new Error('ECONNREFUSED')),
      acquire: () => Promise.reject(new Error('ECONNREFUSED')),
      close: async () => {},
    };
    const rl = new RateLimiter({ store: new FailSafeCounterStore(down, { policy: 'open' }), defaults: { requestsPerSecond: 1, concurrent: 1 }, leaseMs: 1000 });
    for (let i = 0; i < 3; i++) {
      const decision = await rl.check('key:a', undefined);
      assert.deepEqual([decision.headers, decision.bypassed], [{}, true]);
    }
  });

  it('finds headers only on its own 429s', () => {
    assert.equal(rateLimitHeaders(Errors.rateLimited('x', 1)), undefined);
    assert.equal(rateLimitHeaders(new Error('x')), undefined);
  });
});
