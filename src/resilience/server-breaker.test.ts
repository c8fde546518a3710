import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { BreakerPolicy } from './resilience-policy.js';
import { DEFAULT_RESILIENCE } from './resilience-config.js';
import { BrokenCircuitError, ServerBreaker } from './server-breaker.js';
import { UpstreamError } from './upstream-error.js';

const unavailable = new UpstreamError('503', 'status', { status: 503 });
const rejected = new UpstreamError('400', 'status', { status: 400 });

function breaker(overrides: Partial<BreakerPolicy> = {}) {
  const changes: string[] = [];
  const b = new ServerBreaker({ ...DEFAULT_RESILIENCE.breaker, ...overrides }, (state) => changes.push(state));
  const fail = (error: unknown = unavailable) => b.execute(async () => { throw error; }).catch(() => undefined);
  const succeed = () => b.execute(async () => 'ok');
  return { b, changes, fail, succeed };
}

describe('ServerBreaker', () => {
  it('opens after consecutive failures, a success in between starting the count again', async () => {
    const { b, changes, fail, succeed } = breaker({ consecutiveFailures: 3, minRequests: 100, windowSize: 100 });
    await fail();
    await fail();
    await succeed();
    await fail();
    await fail();
    assert.equal(b.state, 'closed');
    await fail();
    assert.equal(b.state, 'open');
    assert.deepEqual(changes, ['open']);
  });

  it('opens when failures reach the ratio of the window, once min_requests calls were seen', async () => {
    const { b, fail, succeed } = breaker({ consecutiveFailures: 100, failureRatio: 0.5, windowSize: 10, minRequests: 6 });
    for (let i = 0; i < 5; i++) await (i % 2 === 0 ? fail() : succeed()); // 3 of 5: over the ratio, under the minimum
    assert.equal(b.state, 'closed');
    await succeed(); // 3 of 6: exactly the ratio
    assert.equal(b.state, 'closed', 'a success is never what opens it');
    await fail(); // 4 of 7
    assert.equal(b.state, 'open');
  });

  it('opens at exactly the ratio, and accepts a ratio of 1 (every call in the window failed)', async () => {
    const half = breaker({ consecutiveFailures: 100, failureRatio: 0.5, windowSize: 4, minRequests: 4 });
    await half.succeed();
    await half.fail();
    await half.succeed();
    await half.fail(); // 2 of 4
    assert.equal(half.b.state, 'open');
    const all = breaker({ consecutiveFailures: 100, failureRatio: 1, windowSize: 3, minRequests: 3 });
    await all.succeed();
    await all.fail();
    await all.fail();
    await all.fail(); // 3 of the last 3
    assert.equal(all.b.state, 'open');
  });

  it('counts a 4xx as the server answering, and a caller\'s abort as nothing', async () => {
    const { b, fail } = breaker({ consecutiveFailures: 2, failureRatio: 0.9, windowSize: 4, minRequests: 4 });
    await fail();
    await fail(new Error('caller went away'));
    assert.equal(b.state, 'closed', 'an abort is not a second failure in a row');
    await assert.rejects(b.execute(async () => { throw rejected; }), (error) => error === rejected);
    await fail();
    assert.equal(b.state, 'closed', 'the 400 ended the run of failures');
    await fail();
    assert.equal(b.state, 'open');
  });

  it('refuses without calling while open, says when it half-opens, and lets one probe through', async () => {
    const { b, changes, fail } = breaker({ consecutiveFailures: 1, halfOpenAfterMs: 50 });
    await fail();
    let calls = 0;
    await assert.rejects(b.execute(async () => ++calls), BrokenCircuitError);
    assert.equal(calls, 0);
    assert.equal(b.admits(), false);
    assert.ok(b.msUntilHalfOpen() > 0 && b.msUntilHalfOpen() <= 50);
    await sleep(60);
    assert.equal(b.admits(), true);
    assert.equal(b.msUntilHalfOpen(), 0);
    let release!: () => void;
    const probe = b.execute(() => new Promise<string>((resolve) => { release = () => resolve('probe'); }));
    assert.equal(b.state, 'half-open');
    assert.equal(b.admits(), false);
    await assert.rejects(b.execute(async () => ++calls), BrokenCircuitError);
    assert.equal(calls, 0, 'a second call waits for nothing and reaches nothing while the probe is out');
    release();
    assert.equal(await probe, 'probe');
    assert.equal(b.state, 'closed');
    assert.deepEqual(changes, ['open', 'half-open', 'closed']);
  });

  it('reopens when the probe fails', async () => {
    const { b, changes, fail } = breaker({ consecutiveFailures: 1, halfOpenAfterMs: 20 });
    await fail();
    await sleep(30);
    await fail();
    assert.equal(b.state, 'open');
    assert.equal(b.admits(), false);
    assert.deepEqual(changes, ['open', 'half-open', 'open']);
  });
});
