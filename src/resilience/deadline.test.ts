import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { CALLER_REASON, Deadline, withDeadline } from './deadline.js';

/** Work that only ends when its signal fires, as a backend call does. */
const never = (signal: AbortSignal) => new Promise<never>((_, reject) => {
  if (signal.aborted) reject(signal.reason);
  signal.addEventListener('abort', () => reject(signal.reason));
});
const here = () => new AbortController().signal;

describe('withDeadline', () => {
  it('returns what the work returns', async () => {
    assert.equal(await withDeadline(here(), 1000, async () => 42), 42);
  });

  it('aborts the work with UMBRAL_ERR_DEADLINE_EXCEEDED when time runs out', async () => {
    await assert.rejects(withDeadline(here(), 5, never), { code: 'UMBRAL_ERR_DEADLINE_EXCEEDED' });
  });

  it('aborts the work with UMBRAL_ERR_CANCELLED when the caller goes away, before or during', async () => {
    const gone = new AbortController();
    gone.abort();
    let ran = false;
    await assert.rejects(withDeadline(gone.signal, 1000, (signal) => { ran = true; return never(signal); }), { code: 'UMBRAL_ERR_CANCELLED' });
    assert.equal(ran, false, 'a caller already gone: the work never starts');
    const leaving = new AbortController();
    setTimeout(() => leaving.abort(), 5);
    await assert.rejects(withDeadline(leaving.signal, 1000, never), { code: 'UMBRAL_ERR_CANCELLED' });
  });

  it('passes the caller\'s own reason on when asked to', async () => {
    const leaving = new AbortController();
    const reason = new Error('client went away');
    setTimeout(() => leaving.abort(reason), 5);
    await assert.rejects(withDeadline(leaving.signal, 1000, never, CALLER_REASON), (error) => error === reason);
  });

  it('passes the work\'s own errors through', async () => {
    await assert.rejects(withDeadline(here(), 1000, async () => { throw new Error('boom'); }), /boom/);
  });

  it('answers with the deadline, not with what the work made of it', async () => {
    await assert.rejects(withDeadline(here(), 5, async (signal) => {
      await never(signal).catch(() => undefined);
      throw new Error('the work\'s own wording of the abort');
    }), { code: 'UMBRAL_ERR_DEADLINE_EXCEEDED' });
  });
});

describe('Deadline', () => {
  it('says when it is, how long is left, and whether time (not the caller) ended it', async () => {
    const before = Date.now();
    const deadline = new Deadline(here(), 30);
    assert.ok(deadline.at >= before + 30 && deadline.at <= Date.now() + 30);
    assert.ok(deadline.remainingMs() > 0 && deadline.remainingMs() <= 30);
    assert.equal(deadline.expired, false);
    await sleep(40);
    assert.equal(deadline.expired, true);
    assert.equal(deadline.remainingMs(), 0);
    assert.equal((deadline.signal.reason as { code?: string }).code, 'UMBRAL_ERR_DEADLINE_EXCEEDED');
  });

  it('is not expired when the caller left first, even once the time has passed', async () => {
    const caller = new AbortController();
    const deadline = new Deadline(caller.signal, 10);
    caller.abort();
    await sleep(20);
    assert.equal(deadline.expired, false);
    assert.equal((deadline.signal.reason as { code?: string }).code, 'UMBRAL_ERR_CANCELLED');
  });

  it('cuts work that ignores its signal at the deadline', async () => {
    const deadline = new Deadline(here(), 10);
    await assert.rejects(deadline.race(new Promise(() => undefined)), { code: 'UMBRAL_ERR_DEADLINE_EXCEEDED' });
    deadline.dispose();
  });

  it('lets work that ends in time end as it does', async () => {
    const deadline = new Deadline(here(), 1000);
    assert.equal(await deadline.race(Promise.resolve('done')), 'done');
    await assert.rejects(deadline.race(Promise.reject(new Error('its own failure'))), /its own failure/);
    deadline.dispose();
  });

  it('stops watching the caller and the clock once disposed', async () => {
    const caller = new AbortController();
    const deadline = new Deadline(caller.signal, 10);
    deadline.dispose();
    caller.abort();
    await sleep(20);
    assert.equal(deadline.signal.aborted, false);
  });
});
