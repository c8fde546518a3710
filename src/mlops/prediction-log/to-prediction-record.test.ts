import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { PredictionEvent } from '../../inference/prediction-observer.js';
import { payloadOf, toPredictionRecord } from './to-prediction-record.js';

const event: PredictionEvent = {
  requestId: 'r-1', model: 'spam', version: '3', variant: null, endedAt: Date.UTC(2025, 0, 2, 3, 4, 5), latencyMs: 4.5,
  principal: 'key:ci', status: 200, errorCode: null, payload: 'full',
  inputs: [{ name: 'text', datatype: 'BYTES', shape: [2], data: ['free money now', 'a\u0000b'] }],
  outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [2, 2], data: new Float32Array([0.25, 0.75, 0.5, Number.NaN]) }],
  manifest: { labels: { probabilities: ['ham', 'spam'] } },
};

describe('prediction record', () => {
  it('keeps the full payload as JSON jsonb can store, the prediction and the drift sample', () => {
    const record = toPredictionRecord(event, 'id-1');
    assert.equal(record.at, '2025-01-02T03:04:05.000Z');
    assert.deepEqual(record.inputs, [{ name: 'text', datatype: 'BYTES', shape: [2], data: ['free money now', { b64: Buffer.from('a\u0000b').toString('base64') }] }]);
    assert.deepEqual((record.outputs as Array<{ data: unknown[] }>)[0]?.data, [0.25, 0.75, 0.5, null]);
    assert.deepEqual(record.prediction, [{ class: 'spam', score: 0.75 }, { class: 'ham', score: 0.5 }]);
    assert.deepEqual(record.features?.['text.tokens'], [3, 1]);
    assert.deepEqual(record.features?.['output.class'], [1, 0]);
    assert.deepEqual(JSON.parse(JSON.stringify(record)), record, 'it round-trips through the spill file unchanged');
  });

  it('keeps a hash or nothing as the policy says, and no outputs or prediction for a failure', () => {
    const hashed = payloadOf('hash', event.inputs) as { sha256: string };
    const full = JSON.stringify(payloadOf('full', event.inputs));
    assert.equal(hashed.sha256, createHash('sha256').update(full).digest('hex'));
    assert.equal(payloadOf('none', event.inputs), null);
    const failed = toPredictionRecord({ ...event, status: 400, errorCode: 'UMBRAL_ERR_INVALID_SHAPE', outputs: null, inputs: null }, 'id-2');
    assert.deepEqual([failed.inputs, failed.outputs, failed.prediction, failed.features], [null, null, null, null]);
  });

  it('writes 64-bit integers exactly and BOOL as booleans', () => {
    const [int64, bool] = payloadOf('full', [
      { name: 'i', datatype: 'INT64', shape: [2], data: new BigInt64Array([5n, 2n ** 60n]) },
      { name: 'b', datatype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) },
    ]) as Array<{ data: unknown[] }>;
    assert.deepEqual(int64?.data, [5, '1152921504606846976']);
    assert.deepEqual(bool?.data, [true, false]);
  });
});
