import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decodeTensorAnswer, encodeTensorAnswer, type TensorAnswer } from './tensor-answer-codec.js';

it('a tensor answer survives the cache exactly, NaN, infinities, int64 and strings included', () => {
  const source = new Float32Array([0, 1.1, Number.NaN, Number.POSITIVE_INFINITY, -0, 3.4e38]);
  const answer: TensorAnswer = {
    model: 'm', version: '3', batchSize: 2,
    outputs: [
      // A view into a larger buffer at an odd offset, as decoders hand out.
      { name: 'f', datatype: 'FP32', shape: [2, 3], data: source },
      { name: 'i', datatype: 'INT64', shape: [2], data: new BigInt64Array([-(2n ** 63n), 2n ** 62n]) },
      { name: 'b', datatype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) },
      { name: 's', datatype: 'BYTES', shape: [2], data: ['é✓', ''] },
    ],
  };
  const decoded = decodeTensorAnswer(encodeTensorAnswer(answer));
  assert.deepEqual(decoded, answer);
  assert.ok(decoded.outputs[0]!.data instanceof Float32Array);
});

it('refuses an entry it did not write', () => {
  assert.throws(() => decodeTensorAnswer('{"m":"m","v":"1","n":1,"o":[{"n":"x","d":"FP33","s":[1],"b":""}]}'));
  assert.throws(() => decodeTensorAnswer('{"m":"m","v":"1","n":1,"o":[{"n":"x","d":"FP32","s":[1],"b":"AAA="}]}'));
  assert.throws(() => decodeTensorAnswer('not json'));
});
