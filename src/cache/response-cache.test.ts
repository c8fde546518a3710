import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryCacheStore } from './memory-cache-store.js';
import { ResponseCache, type AnswerCodec } from './response-cache.js';

const never = new AbortController().signal;
const json: AnswerCodec<{ n: number }> = { encode: (v) => JSON.stringify(v), decode: (t) => JSON.parse(t) as { n: number } };
const ref = { model: 'm', key: 'k', ttlMs: 60_000 };

function open() {
  const store = new MemoryCacheStore(() => ({ maxEntries: 100, maxBytes: 1e6 }));
  const lookups: string[] = [];
  const cache = new ResponseCache({ store, onLookup: (model, status) => lookups.push(`${model}:${status}`) });
  return { store, cache, lookups };
}

describe('ResponseCache', () => {
  it('misses once, then hits, counting both', async () => {
    const { cache, lookups } = open();
    let calls = 0;
    const compute = async () => ({ value: { n: ++calls }, storable: true });
    assert.deepEqual(await cache.through(ref, never, json, compute), { value: { n: 1 }, status: 'miss' });
    assert.deepEqual(await cache.through(ref, never, json, compute), { value: { n: 1 }, status: 'hit' });
    assert.deepEqual(cache.counts('m'), { hits: 1, misses: 1, stale: 0 });
    assert.deepEqual(lookups, ['m:miss', 'm:hit']);
  });

  it('makes one backend call for concurrent identical misses', async () => {
    const { cache } = open();
    let calls = 0;
    const compute = async () => { calls++; await sleep(20); return { value: { n: calls }, storable: true }; };
    const results = await Promise.all(Array.from({ length: 20 }, () => cache.through(ref, never, json, compute)));
    assert.equal(calls, 1);
    assert.equal(results.filter((r) => r.status === 'miss').length, 1);
  });

  it('never stores an answer that is not storable (a fallback\'s), nor an error', async () => {
    const { cache, store } = open();
    await cache.through(ref, never, json, async () => ({ value: { n: 1 }, storable: false }));
    await assert.rejects(cache.through(ref, never, json, async () => { throw new Error('down'); }));
    assert.equal(await store.get('m', 'k'), undefined);
  });

  it('treats an entry it cannot read as a miss, and replaces it', async () => {
    const { cache, store } = open();
    await store.set('m', 'k', '{not json', 60_000);
    const result = await cache.through(ref, never, json, async () => ({ value: { n: 7 }, storable: true }));
    assert.equal(result.status, 'miss');
    assert.match(await store.get('m', 'k') ?? '', /^\d+\n\{"n":7\}$/);
  });

  it('clears one model and tells the other processes', async () => {
    const store = new MemoryCacheStore(() => ({ maxEntries: 100, maxBytes: 1e6 }));
    const told: (string | undefined)[] = [];
    const cache = new ResponseCache({ store, broadcastClear: async (model) => { told.push(model); } });
    await cache.through(ref, never, json, async () => ({ value: { n: 1 }, storable: true }));
    assert.equal(await cache.clear('m'), 1);
    await cache.clear();
    assert.deepEqual(told, ['m', undefined]);
  });
});

describe('ResponseCache stale-if-error', () => {
  const staleRef = { ...ref, ttlMs: 30, staleIfErrorMs: 200, staleOn: (error: unknown) => (error as Error).message === 'upstream down' };
  const fail = (message: string) => async () => { throw new Error(message); };

  it('answers with an expired entry when the backend fails for a reason it accepts, within the window', async () => {
    const { cache } = open();
    await cache.through(staleRef, never, json, async () => ({ value: { n: 1 }, storable: true }));
    await sleep(60);
    assert.deepEqual(await cache.through(staleRef, never, json, fail('upstream down')), { value: { n: 1 }, status: 'stale' });
    await assert.rejects(cache.through(staleRef, never, json, fail('bad request')), /bad request/);
    assert.deepEqual(cache.counts('m'), { hits: 0, misses: 1, stale: 1 });
  });

  it('computes again once an entry is past its TTL, and never serves one past the stale window', async () => {
    const { cache } = open();
    await cache.through(staleRef, never, json, async () => ({ value: { n: 1 }, storable: true }));
    await sleep(60);
    assert.deepEqual(await cache.through(staleRef, never, json, async () => ({ value: { n: 2 }, storable: true })), { value: { n: 2 }, status: 'miss' });
    await sleep(300);
    await assert.rejects(cache.through(staleRef, never, json, fail('upstream down')), /upstream down/);
  });

  it('keeps nothing past the TTL without a stale window', async () => {
    const { cache } = open();
    const plain = { ...staleRef, staleIfErrorMs: 0 };
    await cache.through(plain, never, json, async () => ({ value: { n: 1 }, storable: true }));
    await sleep(60);
    await assert.rejects(cache.through(plain, never, json, fail('upstream down')), /upstream down/);
  });
});
