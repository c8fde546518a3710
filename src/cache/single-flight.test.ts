import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SingleFlight } from './single-flight.js';

const never = new AbortController().signal;

describe('SingleFlight', () => {
  it('makes one call for concurrent identical keys, and one per key', async () => {
    const flights = new SingleFlight<string>();
    let calls = 0;
    const work = (value: string) => async () => { calls++; await sleep(20); return value; };
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () => flights.run('a', never, work('A'))),
      flights.run('b', never, work('B')),
    ]);
    assert.equal(calls, 2);
    assert.deepEqual(results.map((r) => r.value), [...Array(10).fill('A'), 'B']);
    assert.equal(results.filter((r) => !r.shared).length, 2);
    assert.equal(flights.inFlight, 0);
  });

  it('shares a failure with the followers, and calls again after it', async () => {
    const flights = new SingleFlight<string>();
    let calls = 0;
    const failing = async () => { calls++; await sleep(10); throw new Error('upstream down'); };
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => flights.run('k', never, failing)));
    assert.equal(calls, 1);
    assert.ok(outcomes.every((o) => o.status === 'rejected'));
    assert.equal((await flights.run('k', never, async () => 'ok')).value, 'ok');
  });

  it('a follower whose leader was cancelled runs the work itself', async () => {
    const flights = new SingleFlight<string>();
    const leader = new AbortController();
    let calls = 0;
    const work = (signal: AbortSignal) => async () => {
      calls++;
      await sleep(30, undefined, { signal });
      return 'answer';
    };
    const first = flights.run('k', leader.signal, work(leader.signal));
    const second = flights.run('k', never, work(never));
    leader.abort();
    await assert.rejects(first);
    assert.deepEqual(await second, { value: 'answer', shared: false });
    assert.equal(calls, 2);
  });

  it('a follower whose own client leaves stops waiting at once', async () => {
    const flights = new SingleFlight<string>();
    const leaving = new AbortController();
    const leader = flights.run('k', never, async () => { await sleep(200); return 'late'; });
    const follower = flights.run('k', leaving.signal, async () => 'never called');
    const started = Date.now();
    leaving.abort();
    await assert.rejects(follower, { code: 'UMBRAL_ERR_CANCELLED' });
    assert.ok(Date.now() - started < 100);
    assert.equal((await leader).value, 'late');
  });
});
