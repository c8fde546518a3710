import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { predictionLogPlan } from './build-plan.js';
import { sampled } from '../inference/prediction-observer.js';

describe('prediction sampling', () => {
  it('logs nothing without the section, everything with it unless sample_rate says otherwise', () => {
    assert.equal(predictionLogPlan(undefined), undefined);
    assert.deepEqual(predictionLogPlan({}), { sampleRate: 1, payload: 'full' });
    assert.deepEqual(predictionLogPlan({ sample_rate: 0.25, payload: 'hash' }), { sampleRate: 0.25, payload: 'hash' });
    assert.equal(predictionLogPlan({ sample_rate: 0 }), undefined);
  });

  it('samples a request when the draw is below the rate', () => {
    const plan = { sampleRate: 0.25, payload: 'none' } as const;
    assert.equal(sampled(plan, () => 0.2), true);
    assert.equal(sampled(plan, () => 0.25), false);
    assert.equal(sampled(undefined, () => 0), false);
    assert.equal(sampled({ sampleRate: 1, payload: 'full' }, () => 0.999_999), true);
    let draws = 0;
    const random = () => (draws++ % 4) / 4;
    assert.equal(Array.from({ length: 400 }, () => sampled(plan, random)).filter(Boolean).length, 100);
  });
});
