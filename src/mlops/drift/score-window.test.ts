import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeFeatures, scoreWindow } from './score-window.js';

describe('scoreWindow', () => {
  const thresholds = { psi: 0.2, ks: 0.3 };

  it('scores numeric features by PSI and KS, the class by PSI only, and skips what either side lacks', () => {
    const reference = { 'x[0]': [1, 2, 3, 4], 'output.class': [0, 1], 'only.reference': [1] };
    const window = { 'x[0]': [3, 4, 5, 6], 'output.class': [0, 1], 'only.window': [1] };
    const scores = scoreWindow(reference, window, thresholds);
    assert.deepEqual(scores.map((s) => `${s.feature}/${s.method}`), ['output.class/psi', 'x[0]/psi', 'x[0]/ks']);
    const ks = scores.find((s) => s.method === 'ks');
    assert.equal(ks?.score, 0.5);
    assert.equal(ks?.threshold, 0.3);
    assert.equal(ks?.samples, 4);
    assert.ok(ks?.pValue !== undefined && ks.pValue > 0 && ks.pValue <= 1);
    assert.equal(scores.find((s) => s.feature === 'output.class')?.score, 0);
  });
});

describe('mergeFeatures', () => {
  it('concatenates each feature\'s values across rows, skipping rows without features and values that are not numbers', () => {
    const merged = mergeFeatures([{ a: [1, 2] }, null, { a: [3], b: [4, Number.NaN] }, { c: 'x' as unknown as number[] }]);
    assert.deepEqual(merged, { a: [1, 2, 3], b: [4] });
  });
});
