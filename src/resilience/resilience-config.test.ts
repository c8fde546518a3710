import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelayMs } from './backoff.js';
import { DEFAULT_RESILIENCE, resilienceSchema, toResiliencePolicy } from './resilience-config.js';
import { RetryBudget } from './retry-budget.js';

describe('resilience settings', () => {
  it('fills every key of an empty section with the defaults', () => {
    assert.deepEqual(toResiliencePolicy(resilienceSchema.parse({})), DEFAULT_RESILIENCE);
  });

  it('reads a partial section and refuses unknown keys and bad values, naming them', () => {
    const policy = toResiliencePolicy(resilienceSchema.parse({ timeout_ms: 2000, retry: { budget_percent: 50 } }));
    assert.equal(policy.timeoutMs, 2000);
    assert.equal(policy.retry.budgetRatio, 0.5);
    assert.equal(policy.retry.maxAttempts, DEFAULT_RESILIENCE.retry.maxAttempts);
    const bad = resilienceSchema.safeParse({ retry: { max_attempts: 0, tries: 3 }, breaker: { failure_ratio: 2 } });
    assert.equal(bad.success, false);
    const paths = bad.error?.issues.map((i) => i.path.join('.')) ?? [];
    assert.ok(paths.includes('retry.max_attempts') && paths.includes('breaker.failure_ratio') && paths.includes('retry'), paths.join(', '));
  });
});

describe('backoff with full jitter', () => {
  const retry = DEFAULT_RESILIENCE.retry;
  it('draws from [0, min(max, initial·2^(n−1))]', () => {
    assert.equal(backoffDelayMs(retry, 1, undefined, () => 0.999999) <= retry.initialDelayMs, true);
    assert.equal(Math.round(backoffDelayMs(retry, 3, undefined, () => 1)), retry.initialDelayMs * 4);
    assert.equal(backoffDelayMs(retry, 30, undefined, () => 1), retry.maxDelayMs);
    assert.equal(backoffDelayMs(retry, 2, undefined, () => 0), 0);
  });

  it('never waits less than the server\'s Retry-After', () => {
    assert.equal(backoffDelayMs(retry, 1, 2_000, () => 0.5), 2_000);
  });
});

describe('retry budget', () => {
  it('allows retries up to the ratio of recent requests plus the floor, and forgets after the window', () => {
    let now = 0;
    const budget = new RetryBudget(0.2, 0, () => now);
    for (let i = 0; i < 100; i++) budget.recordRequest();
    let granted = 0;
    while (budget.tryRetry()) granted++;
    assert.equal(granted, 20);
    now += 11_000;
    assert.equal(budget.tryRetry(), false, 'no request in the window: no retry without a floor');
    const floored = new RetryBudget(0, 1, () => now);
    let floor = 0;
    while (floored.tryRetry()) floor++;
    assert.equal(floor, 10, 'one per second over the 10 s window');
  });
});
