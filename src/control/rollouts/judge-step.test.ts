import assert from 'node:assert/strict';
import { it } from 'node:test';
import { judgeStep } from './judge-step.js';
import { parseRolloutPlan } from './rollout-plan.js';

const stats = (requests: number, failures: number, p99Ms: number | null) => ({ stats: { requests, failures, p99Ms } });

it('fails a step on each guard it breaks, and passes what it cannot judge', () => {
  assert.deepEqual(judgeStep({ max_error_rate: 0.1 }, stats(20, 2, 5)), []);
  assert.match(judgeStep({ max_error_rate: 0.1 }, stats(20, 3, 5))[0] ?? '', /error rate 0.15 \(3 of 20 requests\) is above max_error_rate 0.1/);
  assert.match(judgeStep({ max_p99_ms: 50 }, stats(20, 0, 80))[0] ?? '', /p99 latency 80 ms/);
  assert.deepEqual(judgeStep({ max_p99_ms: 50, max_quality_drop: 0.01, min_shadow_agreement: 0.9 }, stats(0, 0, null)), []);
  const quality = { metric: 'accuracy', champion: 0.9, challenger: 0.8, lowerIsBetter: false };
  assert.match(judgeStep({ max_quality_drop: 0.05 }, { ...stats(20, 0, 1), quality })[0] ?? '', /live accuracy 0.8 is 0.1 worse/);
  assert.deepEqual(judgeStep({ max_quality_drop: 0.05 }, { ...stats(20, 0, 1), quality: { ...quality, metric: 'mae', lowerIsBetter: true } }), []);
  assert.match(judgeStep({ min_shadow_agreement: 0.95 }, { ...stats(20, 0, 1), shadowAgreement: 0.5 })[0] ?? '', /shadow agreement 0.5/);
});

it('takes increasing shares that end at 100, and names every problem of another plan', () => {
  assert.equal(parseRolloutPlan({ steps: [{ share: 5, duration: '10m' }, { share: 100 }] }).steps.length, 2);
  assert.throws(() => parseRolloutPlan({ steps: [{ share: 50, duration: '1m' }, { share: 25, duration: 'soon' }] }), (error: Error) => {
    assert.match(error.message, /steps\[1\]\.share: 25 follows 50/);
    assert.match(error.message, /steps\[1\]\.duration: use a number and a unit/);
    assert.match(error.message, /the last step's share is 25; end at 100/);
    return true;
  });
  assert.throws(() => parseRolloutPlan({ steps: [] }), /steps/);
  assert.throws(() => parseRolloutPlan({ steps: [{ share: 100 }], guards: { max_errors: 1 } }), /guards: Unrecognized key/);
});
