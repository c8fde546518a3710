import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Tensor } from '../../protocol/tensor.js';
import { compareAnswers } from './compare-answers.js';

const scores = (...values: number[]): Tensor => ({ name: 'p', datatype: 'FP32', shape: [values.length / 2, 2], data: new Float32Array(values) });
const labelled = { labels: { p: ['ham', 'spam'] } };

describe('compareAnswers', () => {
  it('agrees on classification when every row predicts the same class, whatever the scores', () => {
    const compared = compareAnswers({ outputs: [scores(0.2, 0.8, 0.9, 0.1)], manifest: labelled }, { outputs: [scores(0.4, 0.6, 0.7, 0.3)], manifest: labelled });
    assert.equal(compared.agreed, true);
    assert.ok(Math.abs((compared.difference ?? 0) - 0.2) < 1e-6, String(compared.difference));
  });

  it('disagrees when one row flips, and compares classes by each version\'s own labels', () => {
    assert.equal(compareAnswers({ outputs: [scores(0.2, 0.8, 0.9, 0.1)], manifest: labelled }, { outputs: [scores(0.2, 0.8, 0.1, 0.9)], manifest: labelled }).agreed, false);
    const reordered = { labels: { p: ['spam', 'ham'] } };
    assert.equal(compareAnswers({ outputs: [scores(0.2, 0.8)], manifest: labelled }, { outputs: [scores(0.8, 0.2)], manifest: reordered }).agreed, true);
  });

  it('disagrees when the shadow answered something that is no classification', () => {
    const other: Tensor = { name: 'q', datatype: 'FP32', shape: [1, 2], data: new Float32Array([0.2, 0.8]) };
    const compared = compareAnswers({ outputs: [scores(0.2, 0.8)], manifest: labelled }, { outputs: [other] });
    assert.deepEqual(compared, { agreed: false, difference: undefined });
  });

  it('agrees on any other model only when the outputs are identical', () => {
    const y = (value: number): Tensor => ({ name: 'y', datatype: 'FP32', shape: [1, 1], data: new Float32Array([value]) });
    assert.deepEqual(compareAnswers({ outputs: [y(2)] }, { outputs: [y(2)] }), { agreed: true, difference: 0 });
    assert.deepEqual(compareAnswers({ outputs: [y(2)] }, { outputs: [y(3)] }), { agreed: false, difference: 1 });
    const text: Tensor = { name: 't', datatype: 'BYTES', shape: [1], data: ['a'] };
    assert.deepEqual(compareAnswers({ outputs: [text] }, { outputs: [{ ...text, data: ['a'] }] }), { agreed: true, difference: undefined });
    assert.equal(compareAnswers({ outputs: [text] }, { outputs: [{ ...text, data: ['b'] }] }).agreed, false);
  });
});
