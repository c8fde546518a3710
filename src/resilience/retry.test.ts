import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { Deadline } from './deadline.js';
import type { RetryPolicy } from './resilience-policy.js';
import { DEFAULT_RESILIENCE } from './resilience-config.js';
import { Retry } from './retry.js';
import { UpstreamError } from './upstream-error.js';

const unavailable = () => new UpstreamError('503 from upstream', 'status', { status: 503 });

function retry(overrides: Partial<RetryPolicy> = {}) {
  const counts = { retries: 0, exhausted: 0 };
  const r = new Retry({ ...DEFAULT_RESILIENCE.retry, initialDelayMs: 1, maxDelayMs: 2, ...overrides },
    { retry: () => counts.retries++, budgetExhausted: () => counts.exhausted++ });
  return { r, counts };
}
const started: Deadline[] = [];
const deadline = (ms = 5_000, caller = new AbortController().signal) => {
  const d = new Deadline(caller, ms);
  started.push(d);
  return d;
};
afterEach(() => { for (const d of started.splice(0)) d.dispose(); });

describe('Retry', () => {
  it('retries a retryable failure, numbering the attempts, and answers with the first success', async () => {
    const { r, counts } = retry();
    const seen: number[] = [];
    const answer = await r.run(deadline(), async (n) => {
      seen.push(n);
      if (n < 3) throw unavailable();
      return 'ok';
    });
    assert.equal(answer, 'ok');
    assert.deepEqual(seen, [1, 2, 3]);
    assert.equal(counts.retries, 2);
  });

  it('stops at max_attempts and rejects with the last failure', async () => {
    const { r } = retry({ maxAttempts: 2 });
    let attempts = 0;
    await assert.rejects(r.run(deadline(), async () => { attempts++; throw new UpstreamError(`failure ${attempts}`, 'connect'); }), /failure 2/);
    assert.equal(attempts, 2);
  });

  it('never retries what cannot succeed on another attempt', async () => {
    const failures = [new UpstreamError('bad input', 'status', { status: 400 }), new UpstreamError('boom', 'status', { status: 500 }),
      new UpstreamError('not json', 'protocol'), new UpstreamError('slow', 'timeout'), new TypeError('a bug')];
    for (const failure of failures) {
      const { r, counts } = retry();
      let attempts = 0;
      await assert.rejects(r.run(deadline(), async () => { attempts++; throw failure; }), (error) => error === failure);
      assert.equal(attempts, 1, failure.message);
      assert.equal(counts.retries, 0);
    }
  });

  it('waits at least the Retry-After, and does not retry when that wait would pass the deadline', async () => {
    const { r } = retry();
    const times: number[] = [];
    await r.run(deadline(), async () => {
      times.push(performance.now());
      if (times.length === 1) throw new UpstreamError('slow down', 'status', { status: 429, retryAfterMs: 100 });
      return 'ok';
    });
    assert.ok((times[1] as number) - (times[0] as number) >= 95);
    let attempts = 0;
    await assert.rejects(r.run(deadline(500), async () => {
      attempts++;
      throw new UpstreamError('slow down', 'status', { status: 429, retryAfterMs: 5_000 });
    }), { failure: 'status' });
    assert.equal(attempts, 1);
  });

  it('keeps retries within the budget shared by its calls, and reports each refusal', async () => {
    const { r, counts } = retry({ maxAttempts: 5, budgetRatio: 0.2, minRetriesPerSecond: 0 });
    let attempts = 0;
    for (let i = 0; i < 200; i++) await r.run(deadline(), async () => { attempts++; throw unavailable(); }).catch(() => undefined);
    assert.ok(attempts <= 200 * 1.2 + 1 && attempts > 200, `${attempts} attempts for 200 calls`);
    assert.ok(counts.exhausted > 0);
  });

  it('ends a backoff wait with the deadline signal\'s reason when it fires', async () => {
    const { r } = retry({ initialDelayMs: 10_000, maxDelayMs: 10_000 });
    const caller = new AbortController();
    const reason = new Error('client went away');
    let attempts = 0;
    const run = r.run(new Deadline(caller.signal, 60_000, (why) => why), async () => {
      attempts++;
      throw new UpstreamError('slow down', 'status', { status: 503, retryAfterMs: 5_000 });
    });
    setTimeout(() => caller.abort(reason), 20);
    await assert.rejects(run, (error) => error === reason);
    assert.equal(attempts, 1);
  });
});
