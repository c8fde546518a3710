import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CacheStore } from '../../../src/cache/cache-store.js';

/**
 * What every CacheStore must do, run against the memory and Redis stores. `open` returns a store on
 * a key space no other run sees (bounds of at least 100 entries and 1 MiB per model); the suite
 * closes it.
 */
export function cacheStoreContract(name: string, open: () => Promise<CacheStore>): void {
  describe(`CacheStore contract: ${name}`, () => {
    let store: CacheStore;
    let models = 0;
    const model = () => `contract-${++models}`;
    before(async () => { store = await open(); });
    after(() => store.close());

    it('returns what was stored, and nothing for a key never stored', async () => {
      const m = model();
      await store.set(m, 'k1', '{"a":1}', 60_000);
      assert.equal(await store.get(m, 'k1'), '{"a":1}');
      assert.equal(await store.get(m, 'k2'), undefined);
    });

    it('keeps models apart: the same key under two models is two entries', async () => {
      const [a, b] = [model(), model()];
      await store.set(a, 'same', 'from a', 60_000);
      await store.set(b, 'same', 'from b', 60_000);
      assert.equal(await store.get(a, 'same'), 'from a');
      assert.equal(await store.get(b, 'same'), 'from b');
    });

    it('replaces a value written twice', async () => {
      const m = model();
      await store.set(m, 'k', 'first', 60_000);
      await store.set(m, 'k', 'second', 60_000);
      assert.equal(await store.get(m, 'k'), 'second');
    });

    it('never returns an entry past its TTL', async () => {
      const m = model();
      await store.set(m, 'short', 'soon gone', 50);
      await store.set(m, 'long', 'stays', 60_000);
      await sleep(120);
      assert.equal(await store.get(m, 'short'), undefined);
      assert.equal(await store.get(m, 'long'), 'stays');
    });

    it('keeps a value byte for byte (unicode, large)', async () => {
      const m = model();
      const value = `${'é✓🙂'.repeat(1000)}${'x'.repeat(100_000)}`;
      await store.set(m, 'big', value, 60_000);
      assert.equal(await store.get(m, 'big'), value);
    });

    it('clears one model alone, and counts what it removed', async () => {
      const [a, b] = [model(), model()];
      await Promise.all([store.set(a, 'x', '1', 60_000), store.set(a, 'y', '2', 60_000), store.set(b, 'x', '3', 60_000)]);
      assert.equal(await store.clear(a), 2);
      assert.equal(await store.get(a, 'x'), undefined);
      assert.equal(await store.get(a, 'y'), undefined);
      assert.equal(await store.get(b, 'x'), '3');
      assert.equal(await store.clear(a), 0);
    });

    it('clears every model', async () => {
      const [a, b] = [model(), model()];
      await Promise.all([store.set(a, 'x', '1', 60_000), store.set(b, 'x', '2', 60_000)]);
      assert.ok(await store.clear() >= 2);
      assert.equal(await store.get(a, 'x'), undefined);
      assert.equal(await store.get(b, 'x'), undefined);
    });

    it('clears many entries (more than one page of a walk)', async () => {
      const m = model();
      await Promise.all(Array.from({ length: 1200 }, (_, i) => store.set(m, `k${i}`, 'v', 60_000)));
      const bounded = await store.get(m, 'k1199');
      assert.equal(bounded, 'v');
      const removed = await store.clear(m);
      assert.ok(removed > 0 && removed <= 1200, `removed ${removed}`);
      assert.equal(await store.get(m, 'k1199'), undefined);
    });
  });
}
