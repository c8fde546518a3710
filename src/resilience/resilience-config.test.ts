import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RESILIENCE, resilienceSchema, toResiliencePolicy } from './resilience-config.js';

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

  it('keeps min_requests within the window and max_delay_ms at least the initial delay', () => {
    const policy = toResiliencePolicy(resilienceSchema.parse({ retry: { initial_delay_ms: 500, max_delay_ms: 100 }, breaker: { window_size: 5, min_requests: 50 } }));
    assert.equal(policy.retry.maxDelayMs, 500);
    assert.equal(policy.breaker.minRequests, 5);
  });
});
