import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toCppString } from './to-cpp-string.js';

// Expected strings from C's printf("%f") on the same doubles (taken with Python's '%f' % x, which
// rounds the exact binary value half-to-even like glibc).
const CASES: readonly [number, string][] = [
  [0, '0.000000'],
  [1, '1.000000'],
  [Math.fround(3.3), '3.300000'],
  [Math.fround(2.4), '2.400000'],
  [Math.fround(1.1), '1.100000'],
  [1 / 128, '0.007812'], // exact tie: even, where toFixed gives 0.007813
  [-1 / 128, '-0.007812'],
  [3 / 128, '0.023438'],
  [5 / 128, '0.039062'],
  [1e-7, '0.000000'],
  [-1e-7, '-0.000000'],
  [5e-7, '0.000000'], // just below the half: the double is 4.99999999999999977e-7
  [1.5e-6, '0.000002'],
  [2.0000005, '2.000001'],
  [123456.789, '123456.789000'],
  [1e20, '100000000000000000000.000000'],
  [1e21, '1000000000000000000000.000000'],
  [-2.5e22, '-24999999999999997902848.000000'],
  [5e-324, '0.000000'],
];

describe('toCppString', () => {
  for (const [value, expected] of CASES) {
    it(`prints ${value} as ${expected}`, () => assert.equal(toCppString(value), expected));
  }

  it('prints the largest double with all its digits', () => {
    const text = toCppString(Number.MAX_VALUE);
    assert.equal(text.length, 309 + 7);
    assert.ok(text.startsWith('17976931348623157081452742373170435679'));
  });

  it('prints -0, NaN and infinities as glibc does', () => {
    assert.equal(toCppString(-0), '-0.000000');
    assert.equal(toCppString(NaN), 'nan');
    assert.equal(toCppString(Infinity), 'inf');
    assert.equal(toCppString(-Infinity), '-inf');
  });
});
