import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kolmogorovQ, ksPValue, ksStatistic } from './ks.js';

describe('ksStatistic', () => {
  it('is the largest distance between the two step functions', () => {
    // F_a(2) = 0.5, F_b(2) = 0: the distance is 0.5 from 2 to 4.
    assert.equal(ksStatistic([1, 2, 3, 4], [3, 4, 5, 6]), 0.5);
    assert.equal(ksStatistic([1, 2, 3], [1, 2, 3]), 0);
    assert.equal(ksStatistic([1, 2, 3], [4, 5]), 1);
  });

  it('moves both functions at once on ties', () => {
    assert.equal(ksStatistic([0, 0, 1, 1], [0, 1]), 0);
    // F_a(0) = 0.75, F_b(0) = 0.25
    assert.equal(ksStatistic([0, 0, 0, 1], [0, 1, 1, 1]), 0.5);
  });

  it('does not depend on the order of the samples', () => {
    assert.equal(ksStatistic([5, 1, 3], [2, 9]), ksStatistic([1, 3, 5], [9, 2]));
    assert.equal(ksStatistic([5, 1, 3], [2, 9]), ksStatistic([2, 9], [5, 1, 3]));
  });

  it('is undefined for an empty sample', () => {
    assert.equal(ksStatistic([], [1]), undefined);
  });
});

describe('ksPValue', () => {
  it('gives the Kolmogorov distribution\'s known critical values', () => {
    // Q(1.358) ≈ 0.05 and Q(1.628) ≈ 0.01: the 5 % and 1 % critical values.
    assert.ok(Math.abs(kolmogorovQ(1.358) - 0.05) < 0.001);
    assert.ok(Math.abs(kolmogorovQ(1.628) - 0.01) < 0.0005);
    assert.equal(kolmogorovQ(0), 1);
  });

  it('falls as the distance or the samples grow', () => {
    assert.ok(ksPValue(0.1, 100, 100) > 0.5);
    assert.ok(ksPValue(0.3, 100, 100) < 0.001);
    assert.ok(ksPValue(0.1, 2000, 2000) < 1e-6);
  });
});
