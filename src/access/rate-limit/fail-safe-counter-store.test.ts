import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CounterStore, Lease, WindowDecision } from './counter-store.js';
import { FailSafeCounterStore, type FailSafeOptions } from './fail-safe-counter-store.js';
import { MemoryCounterStore } from './memory-counter-store.js';

/** A memory store that fails on demand, as Redis does when it is down or slow; counts what reaches it. */
class FlakyStore implements CounterStore {
  readonly #memory = new MemoryCounterStore();
  failing = false;
  delayMs = 0;
  calls = 0;

  async hit(key: string, limit: number, windowMs: number, cost?: number): Promise<WindowDecision> {
    await this.#behave();
    return this.#memory.hit(key, limit, windowMs, cost);
  }

  async acquire(key: string, limit: number, leaseMs: number): Promise<Lease | undefined> {
    await this.#behave();
    const lease = await this.#memory.acquire(key, limit, leaseMs);
    return lease && { ...lease, release: async () => { await this.#behave(); await lease.release(); } };
  }

  close(): Promise<void> {
    return this.#memory.close();
  }

  async #behave(): Promise<void> {
    const { failing, delayMs } = this;
    this.calls++;
    if (delayMs > 0) await sleep(delayMs);
    if (failing) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
  }
}

describe('FailSafeCounterStore', () => {
  let inner: FlakyStore;
  let events: string[];
  let bypassed: number;
  const wrap = (policy: FailSafeOptions['policy']) => new FailSafeCounterStore(inner, {
    policy, backoffMs: 50,
    onDown: (error) => events.push(`down: ${(error as Error).message}`),
    onUp: () => events.push('up'),
    onBypass: () => { bypassed++; },
  });
  beforeEach(() => { inner = new FlakyStore(); events = []; bypassed = 0; });
  afterEach(() => inner.close());

  it('fails open: never throws, marks decisions bypassed, and reports the outage once', async () => {
    const store = wrap('open');
    inner.failing = true;
    const decisions = await Promise.all(Array.from({ length: 20 }, () => store.hit('k', 1, 1000)));
    assert.ok(decisions.every((d) => d.allowed && d.bypassed));
    const lease = await store.acquire('k', 1, 1000);
    assert.equal(lease?.bypassed, true);
    await lease.release();
    assert.equal(bypassed, 21);
    assert.deepEqual(events, ['down: connect ECONNREFUSED 127.0.0.1:6379']);
    assert.equal(store.down, true);
  });

  it('skips the store during the back-off, then lets one call probe it', async () => {
    const store = wrap('open');
    inner.failing = true;
    await store.hit('k', 1, 1000);
    await Promise.all(Array.from({ length: 10 }, () => store.hit('k', 1, 1000)));
    assert.equal(inner.calls, 1, 'no call reached the store during the back-off');
    await sleep(60);
    inner.delayMs = 30;
    await Promise.all(Array.from({ length: 10 }, () => store.hit('k', 1, 1000)));
    assert.equal(inner.calls, 2, 'one probe, the others skipped the store while it was out');
  });

  it('recovers after a successful probe, reports it once, and enforces limits again', async () => {
    const store = wrap('open');
    inner.failing = true;
    await store.hit('k', 1, 1000);
    inner.failing = false;
    assert.equal((await store.hit('k', 1, 1000)).bypassed, true, 'still backing off');
    await sleep(60);
    const decisions = await Promise.all(Array.from({ length: 5 }, () => store.hit('k', 2, 60_000)));
    await sleep(60);
    const after = await Promise.all(Array.from({ length: 5 }, () => store.hit('k', 2, 60_000)));
    assert.ok([...decisions, ...after].some((d) => !d.allowed), 'the limit applies again');
    assert.ok(after.every((d) => d.bypassed === undefined));
    assert.deepEqual(events.map((e) => e.split(':')[0]), ['down', 'up']);
    assert.equal(store.down, false);
  });

  it('reports a second outage as a new one', async () => {
    const store = wrap('open');
    for (const failing of [true, false, true]) {
      inner.failing = failing;
      await sleep(60);
      await store.hit('k', 5, 1000);
    }
    assert.deepEqual(events.map((e) => e.split(':')[0]), ['down', 'up', 'down']);
  });

  it('does not take a late failure of a call sent before the recovery for a new outage', async () => {
    const store = wrap('open');
    inner.failing = true;
    inner.delayMs = 200;
    const late = store.hit('k', 5, 1000);
    inner.delayMs = 0;
    await store.hit('k', 5, 1000);
    inner.failing = false;
    await sleep(60);
    await store.hit('k', 5, 1000);
    assert.equal((await late).bypassed, true);
    assert.deepEqual(events.map((e) => e.split(':')[0]), ['down', 'up']);
    assert.equal(store.down, false);
  });

  it('fails closed with UMBRAL_ERR_RATE_LIMIT_UNAVAILABLE (503), also during the back-off', async () => {
    const store = wrap('closed');
    inner.failing = true;
    const unavailable = { code: 'UMBRAL_ERR_RATE_LIMIT_UNAVAILABLE', status: 503 };
    await assert.rejects(store.hit('k', 1, 1000), unavailable);
    await assert.rejects(store.acquire('k', 1, 1000), unavailable);
    assert.equal(inner.calls, 1);
    assert.equal(bypassed, 0);
    assert.equal(events.length, 1);
  });

  for (const policy of ['open', 'closed'] as const) {
    it(`counts in the fallback while the store is down, whatever the policy (${policy}), and in the store once it is back`, async () => {
      const store = wrap(policy);
      const fallback = new MemoryCounterStore();
      const logins = store.withFallback(fallback);
      inner.failing = true;
      const during = await Promise.all(Array.from({ length: 5 }, () => logins.hit('account', 3, 60_000)));
      assert.deepEqual(during.map((d) => d.allowed), [true, true, true, false, false], 'the limit holds during the outage');
      assert.ok(during.every((d) => d.bypassed === undefined));
      assert.equal((await logins.hit('account', 3, 60_000, 0)).allowed, false, 'a peek sees the fallback\'s count');
      if (policy === 'open') assert.equal((await store.hit('rate', 1, 1000)).bypassed, true, 'rate limits still follow the policy');
      else await assert.rejects(store.hit('rate', 1, 1000), { code: 'UMBRAL_ERR_RATE_LIMIT_UNAVAILABLE' });
      assert.deepEqual(events, ['down: connect ECONNREFUSED 127.0.0.1:6379'], 'one outage, reported once for both views');
      inner.failing = false;
      await sleep(60);
      const calls = inner.calls;
      assert.equal((await logins.hit('account', 3, 60_000)).allowed, true, 'the store, which never saw the outage\'s failures, counts again');
      assert.equal(inner.calls, calls + 1);
      assert.deepEqual(events.map((e) => e.split(':')[0]), ['down', 'up']);
      assert.equal(bypassed, policy === 'open' ? 1 : 0, 'no login hit was ever bypassed');
      await logins.close();
      assert.equal(await inner.hit('still-open', 1, 1000).then(() => 'open'), 'open', 'closing the view leaves the store open');
    });
  }

  it('never rejects a release, and counts its failure as an outage', async () => {
    const store = wrap('open');
    const lease = await store.acquire('k', 1, 1000);
    assert.ok(lease && lease.bypassed === undefined);
    inner.failing = true;
    await lease.release();
    assert.equal(events.length, 1);
  });
});
