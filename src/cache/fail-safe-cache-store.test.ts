import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CacheStore } from './cache-store.js';
import { FailSafeCacheStore } from './fail-safe-cache-store.js';
import { MemoryCacheStore } from './memory-cache-store.js';

/** A memory store that can be switched to fail like an unreachable Redis, counting the calls it gets. */
class Flaky implements CacheStore {
  readonly kind = 'redis' as const;
  readonly inner = new MemoryCacheStore(() => ({ maxEntries: 100, maxBytes: 1e6 }));
  broken = false;
  calls = 0;
  #check(): void {
    this.calls++;
    if (this.broken) throw new Error('connect ECONNREFUSED');
  }
  async get(model: string, key: string) { this.#check(); return this.inner.get(model, key); }
  async set(model: string, key: string, value: string, ttlMs: number) { this.#check(); return this.inner.set(model, key, value, ttlMs); }
  async clear(model?: string) { this.#check(); return this.inner.clear(model); }
  async close() {}
}

function open(withFallback: boolean) {
  const shared = new Flaky();
  const events: string[] = [];
  const fallback = withFallback ? new MemoryCacheStore(() => ({ maxEntries: 100, maxBytes: 1e6 })) : undefined;
  const store = new FailSafeCacheStore(shared, fallback, {
    backoffMs: 50, onDown: () => events.push('down'), onUp: () => events.push('up'), onFallback: () => events.push('fallback'),
  });
  return { shared, store, events };
}

describe('FailSafeCacheStore', () => {
  it('falls back to memory during an outage, once per outage, and drops those entries when the store is back', async () => {
    const { shared, store, events } = open(true);
    await store.set('m', 'before', 'in redis', 60_000);
    shared.broken = true;
    assert.equal(await store.get('m', 'before'), undefined);
    await store.set('m', 'during', 'in memory', 60_000);
    assert.equal(await store.get('m', 'during'), 'in memory');
    assert.equal(events.filter((e) => e === 'down').length, 1);
    assert.ok(store.down);
    // Within the backoff the shared store is not asked at all: no request pays a timeout.
    const calls = shared.calls;
    await store.get('m', 'during');
    assert.equal(shared.calls, calls);
    shared.broken = false;
    await sleep(60);
    assert.equal(await store.get('m', 'before'), 'in redis');
    assert.deepEqual(events.filter((e) => e !== 'fallback'), ['down', 'up']);
    assert.equal(store.down, false);
    await store.set('m', 'x', 'y', 60_000);
    shared.broken = true;
    assert.equal(await store.get('m', 'during'), undefined, 'the outage memory was dropped at recovery');
  });

  it('bypasses without a fallback: reads miss and writes are dropped, nothing throws', async () => {
    const { shared, store } = open(false);
    shared.broken = true;
    await store.set('m', 'k', 'v', 60_000);
    assert.equal(await store.get('m', 'k'), undefined);
  });

  it('a clear that cannot reach the shared store is a 503, after clearing the local entries', async () => {
    const { shared, store } = open(true);
    shared.broken = true;
    await store.set('m', 'k', 'v', 60_000);
    await assert.rejects(store.clear('m'), { code: 'UMBRAL_ERR_CACHE_UNAVAILABLE', status: 503 });
    assert.equal(await store.get('m', 'k'), undefined);
  });
});
