import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planBatch, type BatchCandidate, type BatchPolicy } from './plan-batch.js';

const policy: BatchPolicy = { maxBatchSize: 8, maxQueueDelayMs: 10, preferredBatchSizes: [] };
const queue = (...items: [key: string | undefined, rows: number][]): BatchCandidate[] =>
  items.map(([key, rows]) => ({ key, rows, queuedAt: 100 }));

describe('planBatch', () => {
  it('waits for the rest of the delay while the batch can still grow', () => {
    assert.deepEqual(planBatch(queue(['a', 1], ['a', 2]), policy, 104), { waitMs: 6 });
    assert.deepEqual(planBatch(queue(['a', 1], ['a', 2]), policy, 110), { dispatch: [0, 1] });
  });

  it('passes over incompatible requests and stops at one that would overflow', () => {
    assert.deepEqual(planBatch(queue(['a', 3], ['b', 1], ['a', 4], ['a', 2], ['a', 1]), policy, 100), { dispatch: [0, 2] });
  });

  it('sends the largest preferred size it can make, leaving the rest queued', () => {
    const preferring = { ...policy, preferredBatchSizes: [2, 4] };
    assert.deepEqual(planBatch(queue(['a', 1], ['a', 1], ['a', 2], ['a', 1]), preferring, 100), { dispatch: [0, 1, 2] });
  });

  it('runs a request alone when the model has no batch dimension or the request cannot merge', () => {
    assert.deepEqual(planBatch(queue(['a', 1], ['a', 1]), { ...policy, maxBatchSize: 0 }, 100), { dispatch: [0] });
    assert.deepEqual(planBatch(queue([undefined, 1], [undefined, 1]), policy, 100), { dispatch: [0] });
  });
});
