import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { attemptOn } from './attempt.js';
import { CALLER_REASON, Deadline } from './deadline.js';
import { DEFAULT_RESILIENCE } from './resilience-config.js';
import { BrokenCircuitError } from './server-breaker.js';
import { UpstreamError } from './upstream-error.js';
import { UpstreamServer } from './upstream-server.js';

const started: Deadline[] = [];
function deadline(ms = 5_000, caller = new AbortController().signal) {
  const d = new Deadline(caller, ms, CALLER_REASON);
  started.push(d);
  return d;
}
afterEach(() => { for (const d of started.splice(0)) d.dispose(); });

function server(closed: string[] = []) {
  return new UpstreamServer('a', 'client-a', { ...DEFAULT_RESILIENCE.breaker, consecutiveFailures: 1 }, () => undefined,
    async (client) => { closed.push(client); });
}
function recorder() {
  const outcomes: string[] = [];
  return { outcomes, events: { attempt: (_server: string, outcome: string, seconds: number) => { assert.ok(seconds >= 0); outcomes.push(outcome); } } };
}

describe('attemptOn', () => {
  it('gives the work the server\'s client, the deadline\'s signal and time, counts it in flight, and reports it', async () => {
    const s = server();
    const d = deadline();
    const { outcomes, events } = recorder();
    const answer = await attemptOn(s, 1, d, async (client, signal, at) => {
      assert.equal(s.outstanding, 1);
      assert.equal(signal, d.signal);
      assert.equal(at, d.at);
      return client;
    }, events);
    assert.equal(answer, 'client-a');
    assert.equal(s.outstanding, 0);
    assert.deepEqual(outcomes, ['ok']);
  });

  it('names each failure\'s outcome, and a refusal of an open breaker without calling the work', async () => {
    const { outcomes, events } = recorder();
    const fail = (s: UpstreamServer<string>, error: unknown) => attemptOn(s, 1, deadline(), async () => { throw error; }, events).catch(() => undefined);
    await fail(server(), new UpstreamError('503', 'status', { status: 503 }));
    await fail(server(), new UpstreamError('refused', 'connect'));
    await fail(server(), new TypeError('a bug'));
    const open = server();
    await fail(open, new UpstreamError('refused', 'connect'));
    let called = false;
    await assert.rejects(attemptOn(open, 2, deadline(), async () => { called = true; }, events), (error) => error instanceof BrokenCircuitError);
    assert.equal(called, false);
    assert.deepEqual(outcomes, ['status_503', 'connect', 'error', 'connect', 'circuit_open']);
  });

  it('cuts work that ignores its signal at the deadline, as a timeout its server\'s breaker counts', async () => {
    const s = server();
    const { outcomes, events } = recorder();
    await assert.rejects(attemptOn(s, 1, deadline(20), () => new Promise<never>(() => undefined), events), { failure: 'timeout' });
    assert.equal(s.breaker.state, 'open');
    assert.equal(s.outstanding, 0);
    assert.deepEqual(outcomes, ['timeout']);
  });

  it('does not count a caller who leaves against the server', async () => {
    const s = server();
    const caller = new AbortController();
    const { outcomes, events } = recorder();
    const attempt = attemptOn(s, 1, deadline(5_000, caller.signal), () => new Promise<never>(() => undefined), events);
    caller.abort(new Error('gone'));
    await assert.rejects(attempt, /gone/);
    assert.equal(s.breaker.state, 'closed');
    assert.deepEqual(outcomes, ['cancelled']);
  });

  it('disconnects a retired server when its last attempt ends', async () => {
    const closed: string[] = [];
    const s = server(closed);
    let release!: () => void;
    const attempt = attemptOn(s, 1, deadline(), () => new Promise<string>((resolve) => { release = () => resolve('done'); }), recorder().events);
    s.retire();
    assert.deepEqual(closed, []);
    release();
    assert.equal(await attempt, 'done');
    assert.deepEqual(closed, ['client-a']);
  });
});
