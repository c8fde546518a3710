import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RetryBudget } from './retry-budget.js';

describe('RetryBudget', () => {
  it('allows retries up to the ratio of recent requests, and forgets them after the 10 s window', () => {
    let now = 0;
    const budget = new RetryBudget(0.2, 0, () => now);
    for (let i = 0; i < 100; i++) budget.recordRequest();
    let granted = 0;
    while (budget.tryRetry()) granted++;
    assert.equal(granted, 20);
    now += 11_000;
    assert.equal(budget.tryRetry(), false, 'no request in the window: no retry without a floor');
  });

  it('keeps a floor of min retries per second, over the window', () => {
    let now = 0;
    const floored = new RetryBudget(0, 1, () => now);
    let granted = 0;
    while (floored.tryRetry()) granted++;
    assert.equal(granted, 10, 'one per second over the 10 s window');
    now += 5_000;
    assert.equal(floored.tryRetry(), false, 'the retries of 5 s ago still count');
    now += 5_500;
    assert.equal(floored.tryRetry(), true, 'and are forgotten once out of the window');
  });

  it('bounds the attempts of a steady stream that always fails to (1 + ratio) plus the floor', () => {
    let now = 0;
    const budget = new RetryBudget(0.2, 1, () => now);
    let attempts = 0;
    for (let i = 0; i < 1000; i++) {
      now += 9; // 1000 requests over 9 s: all within one window
      budget.recordRequest();
      attempts++;
      for (let retry = 0; retry < 4 && budget.tryRetry(); retry++) attempts++;
    }
    assert.ok(attempts <= 1000 * 1.2 + 10, `${attempts} attempts`);
    assert.ok(attempts >= 1000 * 1.2, `${attempts} attempts: the budget was not used`);
  });

  it('counts requests in the window as they age, bucket by bucket', () => {
    let now = 0;
    const budget = new RetryBudget(0.5, 0, () => now);
    for (let i = 0; i < 4; i++) budget.recordRequest(); // at 0 s
    now = 5_000;
    for (let i = 0; i < 4; i++) budget.recordRequest(); // at 5 s
    now = 10_500; // the first four have left the window
    assert.equal(budget.tryRetry(), true);
    assert.equal(budget.tryRetry(), true);
    assert.equal(budget.tryRetry(), false);
  });
});
