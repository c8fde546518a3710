import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cacheStoreContract } from '../../test/support/cache/cache-store-contract.js';
import { ENTRY_OVERHEAD_BYTES, MemoryCacheStore } from './memory-cache-store.js';

cacheStoreContract('memory', async () => new MemoryCacheStore(() => ({ maxEntries: 10_000, maxBytes: 64 * 1024 * 1024 })));

describe('MemoryCacheStore bounds', () => {
  it('evicts the least recently used entry past max entries, and counts it', async () => {
    const store = new MemoryCacheStore(() => ({ maxEntries: 3, maxBytes: 1024 * 1024 }));
    for (const key of ['a', 'b', 'c']) await store.set('m', key, key, 60_000);
    await store.get('m', 'a');
    await store.set('m', 'd', 'd', 60_000);
    assert.equal(await store.get('m', 'b'), undefined);
    assert.equal(await store.get('m', 'a'), 'a');
    assert.deepEqual(store.usage('m'), { entries: 3, bytes: 3 * (2 + ENTRY_OVERHEAD_BYTES), evictions: 1 });
  });

  it('keeps the bytes under max bytes whatever the churn', async () => {
    const maxBytes = 50_000;
    const store = new MemoryCacheStore(() => ({ maxEntries: 1_000_000, maxBytes }));
    for (let i = 0; i < 5000; i++) await store.set('m', `key-${i}`, 'v'.repeat(i % 700), 60_000);
    const usage = store.usage('m');
    assert.ok(usage.bytes <= maxBytes, `bytes ${usage.bytes}`);
    assert.ok(usage.evictions > 4000, `evictions ${usage.evictions}`);
  });

  it('never stores an entry larger than the whole budget', async () => {
    const store = new MemoryCacheStore(() => ({ maxEntries: 10, maxBytes: 1000 }));
    await store.set('m', 'huge', 'x'.repeat(5000), 60_000);
    assert.equal(await store.get('m', 'huge'), undefined);
  });

  it('starts a new LRU when the bounds change, and keeps counting evictions', async () => {
    let maxEntries = 1;
    const store = new MemoryCacheStore(() => ({ maxEntries, maxBytes: 1024 * 1024 }));
    await store.set('m', 'a', 'a', 60_000);
    await store.set('m', 'b', 'b', 60_000);
    assert.equal(store.usage('m').evictions, 1);
    maxEntries = 5;
    await store.set('m', 'c', 'c', 60_000);
    assert.equal(await store.get('m', 'b'), undefined);
    assert.deepEqual({ ...store.usage('m'), bytes: 0 }, { entries: 1, bytes: 0, evictions: 1 });
  });
});
