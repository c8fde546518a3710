import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Errors } from '../../errors/catalogue.js';
import type { InferCall, InferResult } from '../../inference/inference-service.js';
import type { ServedVersion } from '../../inference/served-version.js';
import type { ShadowRequest } from '../../inference/shadow-observer.js';
import type { Tensor } from '../../protocol/tensor.js';
import { ShadowRunner } from './shadow-runner.js';
import { ShadowStats } from './shadow-stats.js';

const y = (value: number): Tensor => ({ name: 'y', datatype: 'FP32', shape: [1, 1], data: new Float32Array([value]) });
const request = (value: number): ShadowRequest => ({
  model: 'm', version: '1', target: 'alias:challenger', targetVersion: '2', inputs: [y(value)], parameters: {}, requested: [],
  outputs: [y(value)], latencyMs: 5,
});

/** An engine whose answers the test releases by hand: y doubled, or a failure for x < 0. */
function heldEngine() {
  const waiting: Array<() => void> = [];
  const calls: InferCall[] = [];
  const inference = {
    resolve: async () => ({}) as ServedVersion,
    infer: (_served: ServedVersion, call: InferCall): Promise<InferResult> => {
      calls.push(call);
      return new Promise((resolve, reject) => waiting.push(() => {
        const x = (call.inputs[0]?.data as Float32Array)[0] ?? 0;
        if (x < 0) reject(Errors.invalidRequest('x', 'refused'));
        else resolve({ model: 'm', version: '2', outputs: [y(x * 2)], batchSize: 1 });
      }));
    },
  };
  return { inference, calls, waiting, release: () => { for (const go of waiting.splice(0)) go(); } };
}

describe('ShadowRunner', () => {
  it('queues synchronously, runs later at most `concurrency` at once, and drops past the queue bound (counted)', async () => {
    const engine = heldEngine();
    const stats = new ShadowStats();
    const runner = new ShadowRunner({ inference: engine.inference, queueSize: 2, concurrency: 1, outcomes: [stats] });
    for (const x of [1, 2, 3, 4]) runner.mirror(request(x));
    assert.equal(engine.calls.length, 0, 'nothing runs on the caller\'s turn');
    assert.equal(stats.report('m', undefined).versions[0]?.requests.dropped, 2);
    while (engine.calls.length < 1) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(engine.waiting.length, 1, 'one at a time');
    while (engine.calls.length < 2 || engine.waiting.length > 0) {
      engine.release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await runner.idle();
    const [report] = stats.report('m', undefined).versions;
    assert.deepEqual(report?.requests, { agreed: 0, disagreed: 2, failed: 0, dropped: 2 });
    assert.equal(report?.meanOutputDifference, 1.5, 'mean of |1-2| and |2-4|');
    assert.equal(engine.calls.every((call) => call.shadow === true), true, 'copies bypass the cache and fallbacks');
  });

  it('counts a failing target by its code and never throws to the caller', async () => {
    const engine = heldEngine();
    const stats = new ShadowStats();
    const broken = { dropped: () => { throw new Error('listener bug'); }, failed: () => { throw new Error('listener bug'); }, compared: () => undefined };
    const runner = new ShadowRunner({ inference: engine.inference, queueSize: 1, concurrency: 1, outcomes: [broken, stats] });
    runner.mirror(request(-1));
    assert.doesNotThrow(() => runner.mirror(request(-2)), 'a drop reported to a listener that throws');
    while (engine.waiting.length === 0) await new Promise((resolve) => setImmediate(resolve));
    engine.release();
    await runner.idle();
    const [report] = stats.report('m', undefined).versions;
    assert.deepEqual(report?.requests, { agreed: 0, disagreed: 0, failed: 1, dropped: 1 });
    assert.deepEqual(report?.failures, { UMBRAL_ERR_INVALID_REQUEST: 1 });
    assert.equal(report?.lastFailure?.code, 'UMBRAL_ERR_INVALID_REQUEST');
    assert.equal(report?.agreementRate, null);
  });

  it('on close, drops what is queued and takes nothing more', async () => {
    const engine = heldEngine();
    const stats = new ShadowStats();
    const runner = new ShadowRunner({ inference: engine.inference, queueSize: 5, concurrency: 1, outcomes: [stats] });
    runner.mirror(request(1));
    runner.mirror(request(2));
    await runner.close();
    runner.mirror(request(3));
    assert.equal(engine.calls.length, 0);
    assert.equal(stats.report('m', undefined).versions[0]?.requests.dropped, 3);
  });
});
