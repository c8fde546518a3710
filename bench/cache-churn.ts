import { MemoryCacheStore } from '../src/cache/memory-cache-store.js';
import { residentAfterGc } from '../test/support/resident-after-gc.js';
import { childEntry } from './child-entry.js';
import type { CacheChurnPlan, CacheChurnResult } from './messages.js';

/**
 * Child process: a churn of unique keys through one model's in-memory LRU (the store umbral uses
 * without Redis), with the V8 heap in use and resident memory read after a full GC at each
 * checkpoint. Bounded means the memory stops growing once the LRU is full, however much more is
 * written.
 */
childEntry('cache-churn', async (plan: CacheChurnPlan): Promise<CacheChurnResult> => {
  // As many entries as the bytes allow: max_bytes is the bound that binds.
  const store = new MemoryCacheStore(() => ({ maxEntries: 1_000_000, maxBytes: plan.maxBytes }));
  const baselineRssBytes = residentAfterGc();
  const baselineHeapBytes = process.memoryUsage().heapUsed;
  const samples: CacheChurnResult['samples'][number][] = [];
  const filler = 'x'.repeat(plan.valueBytes - 40);
  let written = 0;
  let index = 0;
  for (const checkpoint of [...plan.checkpoints].sort((a, b) => a - b)) {
    while (written < checkpoint * plan.maxBytes) {
      // A key like the real ones (43 base64url characters), a value unique to it (a JSON answer's size).
      const key = `${String(index).padStart(20, '0')}${'k'.repeat(23)}`;
      // Made by JSON.stringify, as the cache's own values are: one flat string each, nothing shared.
      const value = JSON.stringify({ n: index, data: filler });
      await store.set('churn', key, value, 3_600_000);
      written += key.length + value.length;
      index++;
    }
    const usage = store.usage('churn');
    const rssBytes = residentAfterGc();
    samples.push({ written: checkpoint, rssBytes, heapBytes: process.memoryUsage().heapUsed, cacheBytes: usage.bytes, entries: usage.entries });
  }
  return { kind: 'cache-churn-result', baselineRssBytes, baselineHeapBytes, samples };
});
