import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelRepository } from './model-repository.js';
import { UpstreamError } from './upstream-error.js';
import { ADD_SUB, ECHO, UPSTREAM_MODELS } from './upstream-models.js';

const row = (f: (i: number) => number) => Int32Array.from({ length: 16 }, (_, i) => f(i));

describe('upstream models', () => {
  it('add-sub answers the elementwise sum and difference, wrapping as int32', () => {
    const a = row((i) => i);
    a[0] = 2147483647;
    const [sum, difference] = ADD_SUB.run([
      { name: 'INPUT0', datatype: 'INT32', shape: [1, 16], data: a },
      { name: 'INPUT1', datatype: 'INT32', shape: [1, 16], data: row(() => 1) },
    ]);
    assert.deepEqual(sum?.shape, [1, 16]);
    assert.deepEqual([...(sum?.data as Int32Array)], [-2147483648, ...Array.from({ length: 15 }, (_, i) => i + 2)]);
    assert.deepEqual([...(difference?.data as Int32Array)], [2147483646, ...Array.from({ length: 15 }, (_, i) => i)]);
  });

  it('add-sub refuses a wrong datatype, a wrong row length and mismatched shapes', () => {
    const input0 = { name: 'INPUT0', datatype: 'INT32', shape: [1, 16], data: row(() => 0) } as const;
    const cases = [
      [input0, { ...input0, name: 'INPUT1', datatype: 'FP32', data: new Float32Array(16) }],
      [input0, { ...input0, name: 'INPUT1', shape: [2, 8] }],
      [input0, { name: 'INPUT1', datatype: 'INT32', shape: [2, 16], data: new Int32Array(32) }],
      [input0],
    ] as const;
    for (const inputs of cases) {
      assert.throws(() => ADD_SUB.run(inputs), (error: unknown) => error instanceof UpstreamError && error.kind === 'invalid');
    }
  });

  it('echo copies INPUT whatever its datatype and shape', () => {
    const [out] = ECHO.run([{ name: 'INPUT', datatype: 'BYTES', shape: [2, 1], data: ['a', 'b'] }]);
    assert.deepEqual(out, { name: 'OUTPUT', datatype: 'BYTES', shape: [2, 1], data: ['a', 'b'] });
  });
});

describe('model repository', () => {
  it('indexes, loads and unloads, and serving follows', () => {
    const repository = new ModelRepository(UPSTREAM_MODELS, ['echo']);
    assert.deepEqual(repository.index(), [
      { name: 'add-sub', version: '1', state: 'UNAVAILABLE', reason: 'unloaded' },
      { name: 'echo', version: '1', state: 'READY', reason: '' },
    ]);
    assert.deepEqual(repository.index(true).map((entry) => entry.name), ['echo']);
    assert.throws(() => repository.serving('add-sub'), { kind: 'unavailable' });
    repository.load('add-sub');
    assert.equal(repository.isReady('add-sub'), true);
    assert.equal(repository.isReady('add-sub', '2'), false);
    assert.throws(() => repository.serving('add-sub', '2'), { kind: 'not_found' });
    repository.unload('echo');
    assert.equal(repository.isReady('echo'), false);
    assert.throws(() => repository.serving('nope'), { kind: 'not_found' });
    assert.throws(() => repository.load('nope'), { kind: 'invalid' });
  });

  it('answers only the outputs asked for, in their order, and refuses an unknown one', () => {
    const repository = new ModelRepository(UPSTREAM_MODELS);
    const inputs = [
      { name: 'INPUT0', datatype: 'INT32', shape: [1, 16], data: row((i) => i), parameters: {} },
      { name: 'INPUT1', datatype: 'INT32', shape: [1, 16], data: row(() => 2), parameters: {} },
    ] as const;
    const fields = repository.infer('add-sub', '', { id: 'x', parameters: {}, inputs, outputs: [{ name: 'OUTPUT1', parameters: {} }] });
    assert.equal(fields.id, 'x');
    assert.equal(fields.modelVersion, '1');
    assert.deepEqual(fields.outputs.map((output) => output.name), ['OUTPUT1']);
    assert.throws(() => repository.infer('add-sub', '', { parameters: {}, inputs, outputs: [{ name: 'OUTPUT9', parameters: {} }] }), { kind: 'invalid' });
  });
});
