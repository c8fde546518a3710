import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { psi, PSI_EPSILON, quantileEdges } from './psi.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const close = (actual: number | undefined, expected: number, tolerance = 1e-9) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) < tolerance, `${actual} ≠ ${expected}`);

describe('quantileEdges', () => {
  it('puts the edges at the reference\'s deciles', () => {
    assert.deepEqual(quantileEdges(range(1, 100), 10), [10, 20, 30, 40, 50, 60, 70, 80, 90]);
  });
  it('merges edges of repeated values', () => {
    assert.deepEqual(quantileEdges([0, 0, 0, 1, 1], 10), [0, 1]);
    assert.deepEqual(quantileEdges([5, 5, 5], 10), [5]);
  });
});

describe('psi', () => {
  it('is 0 for the same distribution', () => {
    close(psi(range(1, 100), range(1, 100)), 0);
    close(psi(range(1, 100), range(1, 100).reverse()), 0);
  });

  it('matches the hand-computed value for class shares 50/50 → 80/20', () => {
    const reference = [...Array(50).fill(0), ...Array(50).fill(1)] as number[];
    const current = [...Array(80).fill(0), ...Array(20).fill(1)] as number[];
    // (0.8 − 0.5)·ln(0.8/0.5) + (0.2 − 0.5)·ln(0.2/0.5)
    close(psi(reference, current, { categorical: true }), 0.3 * Math.log(1.6) + -0.3 * Math.log(0.4));
    close(psi(reference, current, { categorical: true }), 0.41589, 1e-5);
  });

  it('counts a class unseen in the reference with the epsilon share', () => {
    const reference = [0, 0, 1, 1];
    const current = [0, 1, 2, 2];
    const expected = (0.25 - 0.5) * Math.log(0.25 / 0.5) * 2 + (0.5 - PSI_EPSILON) * Math.log(0.5 / PSI_EPSILON);
    close(psi(reference, current, { categorical: true }), expected);
  });

  it('matches the hand-computed value when everything moves into one decile', () => {
    // All of the current sample in the first bin (≤ 10): 1 there, ε in the nine others.
    const expected = (1 - 0.1) * Math.log(1 / 0.1) + 9 * (PSI_EPSILON - 0.1) * Math.log(PSI_EPSILON / 0.1);
    close(psi(range(1, 100), Array(50).fill(5) as number[]), expected);
    assert.ok(expected > 8);
  });

  it('sees a constant reference against another constant as a shift', () => {
    assert.ok((psi([5, 5, 5, 5], [7, 7, 7, 7]) ?? 0) > 5);
  });

  it('stays small for a second sample of the same distribution, large for a shifted one', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const normal = (mean: number) => mean + Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());
    const reference = Array.from({ length: 2000 }, () => normal(0));
    assert.ok((psi(reference, Array.from({ length: 2000 }, () => normal(0))) ?? 1) < 0.05);
    assert.ok((psi(reference, Array.from({ length: 2000 }, () => normal(1))) ?? 0) > 0.5);
  });

  it('is undefined for an empty sample', () => {
    assert.equal(psi([], [1]), undefined);
    assert.equal(psi([1], []), undefined);
  });
});
