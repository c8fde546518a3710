import assert from 'node:assert/strict';
import { it } from 'node:test';
import { maeInterval, wilson } from './confidence.js';

const near = (actual: number | undefined, expected: number) => assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-4, `${actual} ≉ ${expected}`);

it('gives the Wilson score interval (values from the closed form, z = 1.96)', () => {
  near(wilson(0, 10)?.low, 0);
  near(wilson(0, 10)?.high, 0.2775);
  near(wilson(5, 10)?.low, 0.2366);
  near(wilson(5, 10)?.high, 0.7634);
  near(wilson(90, 100)?.low, 0.8256);
  near(wilson(90, 100)?.high, 0.9448);
  assert.equal(wilson(0, 0), undefined);
});

it('gives a normal interval of the MAE from MAE and RMSE', () => {
  // Absolute errors 1, 1, 3, 3: MAE 2, RMSE √5, sample sd of |e| = √(4/3).
  const interval = maeInterval(2, Math.sqrt(5), 4);
  near(interval?.low, Math.max(0, 2 - 1.959964 * Math.sqrt(4 / 3) / 2));
  near(interval?.high, 2 + 1.959964 * Math.sqrt(4 / 3) / 2);
  assert.equal(maeInterval(1, 1, 1), undefined);
});
