import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CounterStore, Lease } from '../../../src/access/rate-limit/counter-store.js';

const MINUTE = 60_000;

/**
 * What every CounterStore must do, run against the memory and Redis stores. `open` returns a store
 * on a key space no other run sees; the suite closes it. Real time throughout: the Redis store
 * keeps time on the server, so window edges are read from `resetMs`, not from the local clock.
 */
export function counterStoreContract(name: string, open: () => Promise<CounterStore>): void {
  describe(`CounterStore contract: ${name}`, () => {
    let store: CounterStore;
    let keys = 0;
    const key = () => `contract-${++keys}`;
    before(async () => { store = await open(); });
    after(() => store.close());

    const hits = (k: string, n: number, limit: number, windowMs = MINUTE) =>
      Promise.all(Array.from({ length: n }, () => store.hit(k, limit, windowMs)));
    const allowedOf = async (k: string, n: number, limit: number, windowMs = MINUTE) =>
      (await hits(k, n, limit, windowMs)).filter((d) => d.allowed).length;

    it('admits exactly the limit out of concurrent hits', async () => {
      assert.equal(await allowedOf(key(), 50, 10), 10);
    });

    it('counts down remaining and reports when the window ends', async () => {
      const k = key();
      const remaining: number[] = [];
      for (let i = 0; i < 5; i++) {
        const decision = await store.hit(k, 4, MINUTE);
        remaining.push(decision.remaining);
        assert.equal(decision.limit, 4);
        if (decision.allowed) assert.ok(decision.resetMs > 0 && decision.resetMs <= MINUTE, `resetMs ${decision.resetMs}`);
        else assert.ok(decision.resetMs > 0 && decision.resetMs <= 2 * MINUTE, `resetMs ${decision.resetMs}`);
      }
      assert.deepEqual(remaining, [3, 2, 1, 0, 0]);
    });

    it('does not count a denied hit', async () => {
      const k = key();
      assert.equal((await store.hit(k, 3, MINUTE, 2)).allowed, true);
      assert.equal((await store.hit(k, 3, MINUTE, 2)).allowed, false);
      assert.equal((await store.hit(k, 3, MINUTE, 1)).allowed, true);
      assert.equal((await store.hit(k, 3, MINUTE, 1)).allowed, false);
    });

    it('peeks with cost 0 without counting', async () => {
      const k = key();
      await hits(k, 2, 3);
      for (let i = 0; i < 5; i++) assert.deepEqual(pick(await store.hit(k, 3, MINUTE, 0)), { allowed: true, remaining: 1 });
      assert.deepEqual(pick(await store.hit(k, 3, MINUTE)), { allowed: true, remaining: 0 });
      assert.deepEqual(pick(await store.hit(k, 3, MINUTE, 0)), { allowed: false, remaining: 0 });
    });

    it('refunds with a negative cost, never below zero', async () => {
      const k = key();
      await hits(k, 3, 3);
      assert.equal((await store.hit(k, 3, MINUTE, -1)).allowed, true);
      assert.equal(await allowedOf(k, 5, 3), 1);
      const fresh = key();
      await store.hit(fresh, 2, MINUTE, -5);
      assert.equal(await allowedOf(fresh, 5, 2), 2);
    });

    it('keeps keys independent', async () => {
      const [a, b] = [key(), key()];
      assert.equal(await allowedOf(a, 5, 2), 2);
      assert.equal(await allowedOf(b, 5, 2), 2);
    });

    it('allows a denied hit again once its resetMs has passed', async () => {
      const k = key();
      await hits(k, 2, 2, 400);
      const denied = await store.hit(k, 2, 400);
      assert.equal(denied.allowed, false);
      await sleep(denied.resetMs + 20);
      assert.equal((await store.hit(k, 2, 400)).allowed, true);
    });

    it('slides: the previous window still counts, weighted by how much of it is inside the sliding window', async () => {
      const [k, windowMs] = [key(), 1000];
      await sleep((await store.hit(k, 10, windowMs, 0)).resetMs + 10);
      const filled = await hits(k, 10, 10, windowMs);
      assert.equal(filled.filter((d) => d.allowed).length, 10);
      const edge = Math.min(...filled.map((d) => d.resetMs));
      await sleep(edge + 100);
      // A fixed window would start again from 10 here; 90% of the last window still counts.
      assert.ok((await store.hit(k, 10, windowMs, 0)).remaining <= 2);
      await sleep(400);
      const allowed = await allowedOf(k, 20, 10, windowMs);
      assert.ok(allowed >= 3 && allowed <= 7, `half-way through the next window about 5 fit, not ${allowed}`);
    });

    it('grants exactly the limit of concurrent leases, counting those held', async () => {
      const k = key();
      const leases = await Promise.all(Array.from({ length: 30 }, () => store.acquire(k, 4, MINUTE)));
      const taken = leases.filter((lease): lease is Lease => lease !== undefined);
      assert.deepEqual(taken.map((lease) => lease.held).sort((a, b) => a - b), [1, 2, 3, 4]);
      assert.ok(taken.every((lease) => lease.limit === 4));
      await Promise.all(taken.map((lease) => lease.release()));
    });

    it('frees a slot on release, and a second release frees nothing more', async () => {
      const k = key();
      const first = await store.acquire(k, 2, MINUTE);
      assert.ok(first && await store.acquire(k, 2, MINUTE));
      assert.equal(await store.acquire(k, 2, MINUTE), undefined);
      await first.release();
      await first.release();
      assert.ok(await store.acquire(k, 2, MINUTE), 'the released slot is free');
      assert.equal(await store.acquire(k, 2, MINUTE), undefined, 'the double release freed nobody else\'s slot');
    });

    it('expires a lease nobody released', async () => {
      const k = key();
      assert.ok(await store.acquire(k, 1, 200));
      assert.equal(await store.acquire(k, 1, 200), undefined);
      await sleep(250);
      assert.ok(await store.acquire(k, 1, 200));
    });

    it('keeps a window and a lease on the same key apart', async () => {
      const k = key();
      assert.equal((await store.hit(k, 1, MINUTE)).allowed, true);
      assert.ok(await store.acquire(k, 1, MINUTE));
      assert.equal((await store.hit(k, 1, MINUTE)).allowed, false);
    });
  });
}

function pick(decision: { allowed: boolean; remaining: number }): { allowed: boolean; remaining: number } {
  return { allowed: decision.allowed, remaining: decision.remaining };
}
