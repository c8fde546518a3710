import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { delayUntil, dueRun, MAX_TIMER_MS } from './due-run.js';
import { parseSchedule } from './schedule.js';

const at = (iso: string) => new Date(iso);
const daily = parseSchedule('0 3 * * *', 'daily');
const everyFive = parseSchedule('*/5 * * * *', 'five');

describe('schedule', () => {
  it('computes due times in UTC, the current instant included in latest', () => {
    assert.deepEqual(daily.next(at('2024-05-01T02:59:59.999Z')), at('2024-05-01T03:00:00Z'));
    assert.deepEqual(daily.next(at('2024-05-01T03:00:00Z')), at('2024-05-02T03:00:00Z'));
    assert.deepEqual(daily.latest(at('2024-05-01T03:00:00Z')), at('2024-05-01T03:00:00Z'));
    assert.deepEqual(daily.latest(at('2024-05-01T02:59:59Z')), at('2024-04-30T03:00:00Z'));
  });

  it('takes a leading seconds field', () => {
    const everySecond = parseSchedule('* * * * * *', 'fast');
    assert.deepEqual(everySecond.next(at('2024-05-01T00:00:00.400Z')), at('2024-05-01T00:00:01Z'));
    assert.deepEqual(everySecond.latest(at('2024-05-01T00:00:00.400Z')), at('2024-05-01T00:00:00Z'));
  });

  it('gives every replica the same times for a hashed field (seeded by the job name)', () => {
    const one = parseSchedule('H * * * *', 'retrain').next(at('2024-05-01T00:00:00Z'));
    assert.deepEqual(parseSchedule('H * * * *', 'retrain').next(at('2024-05-01T00:00:00Z')), one);
  });

  it('refuses what is not five or six fields, or out of range, with the schedule code', () => {
    for (const bad of ['', '* * * *', '* * * * * * *', '61 * * * *', '0 0 30 2 *', 'every day', '@sometimes']) {
      assert.throws(() => parseSchedule(bad, 'x'), { code: 'UMBRAL_ERR_JOB_SCHEDULE_INVALID' }, bad);
    }
  });
});

describe('dueRun', () => {
  it('runs the slot that just came due, once', () => {
    const now = at('2024-05-01T03:00:00.020Z');
    const since = at('2024-04-01T00:00:00Z');
    assert.deepEqual(dueRun(daily, now, at('2024-04-30T03:00:00Z'), since), at('2024-05-01T03:00:00Z'));
    assert.equal(dueRun(daily, now, at('2024-05-01T03:00:00Z'), since), undefined, 'already claimed');
  });

  it('catches up after downtime with one run for the latest missed slot, not one per slot', () => {
    // Down from 10:02 to 10:31: slots 10:05 … 10:30 were missed; one run, for 10:30.
    const now = at('2024-05-01T10:31:10Z');
    assert.deepEqual(dueRun(everyFive, now, at('2024-05-01T10:00:00Z'), at('2024-01-01T00:00:00Z')), at('2024-05-01T10:30:00Z'));
    // Once claimed, nothing more until 10:35.
    assert.equal(dueRun(everyFive, now, at('2024-05-01T10:30:00Z'), at('2024-01-01T00:00:00Z')), undefined);
  });

  it('does not catch up a job that has never run on slots before it was known', () => {
    const started = at('2024-05-01T14:00:00Z');
    assert.equal(dueRun(daily, at('2024-05-01T14:00:01Z'), undefined, started), undefined);
    assert.deepEqual(dueRun(daily, at('2024-05-02T03:00:00Z'), undefined, started), at('2024-05-02T03:00:00Z'));
    // An operator job created before a downtime in which its first slot passed runs once when back.
    assert.deepEqual(dueRun(daily, at('2024-05-03T09:00:00Z'), undefined, started), at('2024-05-03T03:00:00Z'));
  });
});

describe('delayUntil', () => {
  it('waits for the earliest, never less than zero, never past the timer limit', () => {
    const now = at('2024-05-01T00:00:00Z');
    assert.equal(delayUntil([at('2024-05-01T00:00:05Z'), at('2024-05-01T00:00:02Z')], now), 2000);
    assert.equal(delayUntil([at('2024-04-30T00:00:00Z')], now), 0);
    assert.equal(delayUntil([at('2025-05-01T00:00:00Z')], now), MAX_TIMER_MS);
    assert.equal(delayUntil([], now), undefined);
  });
});
