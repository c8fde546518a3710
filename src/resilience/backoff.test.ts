import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelayMs } from './backoff.js';
import { DEFAULT_RESILIENCE } from './resilience-config.js';

describe('backoff with full jitter', () => {
  const retry = DEFAULT_RESILIENCE.retry;

  it('draws from [0, min(max, initial·2^(n−1))]', () => {
    assert.equal(backoffDelayMs(retry, 1, undefined, () => 0.999999) <= retry.initialDelayMs, true);
    assert.equal(Math.round(backoffDelayMs(retry, 3, undefined, () => 1)), retry.initialDelayMs * 4);
    assert.equal(backoffDelayMs(retry, 30, undefined, () => 1), retry.maxDelayMs);
    assert.equal(backoffDelayMs(retry, 2, undefined, () => 0), 0);
  });

  it('spreads retries over the whole range rather than bunching them', () => {
    const draws = Array.from({ length: 1000 }, () => backoffDelayMs(retry, 2, undefined));
    const ceiling = retry.initialDelayMs * 2;
    assert.ok(draws.every((d) => d >= 0 && d <= ceiling));
    assert.ok(draws.some((d) => d < ceiling / 4) && draws.some((d) => d > (3 * ceiling) / 4));
  });

  it('never waits less than the server\'s Retry-After', () => {
    assert.equal(backoffDelayMs(retry, 1, 2_000, () => 0.5), 2_000);
    assert.equal(backoffDelayMs(retry, 30, 10, () => 1), retry.maxDelayMs, 'a short Retry-After does not cut the backoff');
  });
});
