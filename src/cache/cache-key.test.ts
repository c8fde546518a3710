import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Tensor } from '../protocol/tensor.js';
import { canonicalJson, jsonRequestKey, tensorRequestKey, type KeyScope, type TensorRequest } from './cache-key.js';

const scope: KeyScope = { model: 'm', version: '1', namespace: '*' };
const x: Tensor = { name: 'x', datatype: 'FP32', shape: [1, 2], data: new Float32Array([1, 2]) };
const y: Tensor = { name: 'y', datatype: 'BYTES', shape: [1], data: ['hello'] };
const base: TensorRequest = { inputs: [x, y], outputs: [{ name: 'out' }], parameters: {} };

describe('tensorRequestKey', () => {
  it('is stable, and ignores the order of named inputs', () => {
    assert.equal(tensorRequestKey(scope, base), tensorRequestKey(scope, { ...base, inputs: [y, x] }));
  });

  it('changes with every part of the request and of the scope', () => {
    const key = tensorRequestKey(scope, base);
    const variants: [string, KeyScope, TensorRequest][] = [
      ['data', scope, { ...base, inputs: [{ ...x, data: new Float32Array([1, 3]) }, y] }],
      ['shape', scope, { ...base, inputs: [{ ...x, shape: [2, 1] }, y] }],
      ['datatype', scope, { ...base, inputs: [{ ...x, datatype: 'INT32', data: new Int32Array(new Float32Array([1, 2]).buffer) }, y] }],
      ['string data', scope, { ...base, inputs: [x, { ...y, data: ['hellO'] }] }],
      ['input parameters', scope, { ...base, inputs: [{ ...x, parameters: { p: 1 } }, y] }],
      ['requested outputs', scope, { ...base, outputs: [] }],
      ['output parameters', scope, { ...base, outputs: [{ name: 'out', parameters: { classification: 2 } }] }],
      ['request parameters', scope, { ...base, parameters: { priority: 1 } }],
      ['model', { ...scope, model: 'n' }, base],
      ['version', { ...scope, version: '2' }, base],
      ['namespace', { ...scope, namespace: 'key:abc' }, base],
    ];
    for (const [what, s, request] of variants) assert.notEqual(tensorRequestKey(s, request), key, what);
  });

  it('cannot be fooled by moving text between strings', () => {
    const a = tensorRequestKey(scope, { ...base, inputs: [{ ...y, shape: [2], data: ['ab', 'c'] }] });
    const b = tensorRequestKey(scope, { ...base, inputs: [{ ...y, shape: [2], data: ['a', 'bc'] }] });
    assert.notEqual(a, b);
  });

  it('hashes typed arrays by their own bytes, not their whole buffer', () => {
    const buffer = new Float32Array([9, 1, 2, 9]);
    const view = { ...x, data: buffer.subarray(1, 3) };
    assert.equal(tensorRequestKey(scope, { ...base, inputs: [view, y] }), tensorRequestKey(scope, base));
  });
});

describe('jsonRequestKey', () => {
  it('ignores key order and separates kinds', () => {
    const a = jsonRequestKey(scope, 'chat', { model: 'm', messages: [{ role: 'user', content: 'hi' }], temperature: 0 });
    const b = jsonRequestKey(scope, 'chat', { temperature: 0, messages: [{ content: 'hi', role: 'user' }], model: 'm' });
    assert.equal(a, b);
    assert.notEqual(a, jsonRequestKey(scope, 'embeddings', { model: 'm', messages: [{ role: 'user', content: 'hi' }], temperature: 0 }));
    assert.notEqual(a, jsonRequestKey(scope, 'chat', { model: 'm', messages: [{ role: 'user', content: 'hi' }], temperature: 0, max_tokens: 5 }));
  });

  it('canonical JSON sorts nested keys and keeps array order', () => {
    assert.equal(canonicalJson({ b: [2, 1], a: { d: 1, c: null } }), '{"a":{"c":null,"d":1},"b":[2,1]}');
  });
});
