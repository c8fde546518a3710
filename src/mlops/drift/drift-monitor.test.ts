import assert from 'node:assert/strict';
import { it } from 'node:test';
import { dueTime } from './drift-monitor.js';

it('finds the latest run of a schedule at or before now, in UTC, and falls back to every five minutes', () => {
  assert.equal(dueTime('*/5 * * * *', new Date('2026-03-01T12:07:30Z')).toISOString(), '2026-03-01T12:05:00.000Z');
  assert.equal(dueTime('*/5 * * * *', new Date('2026-03-01T12:05:00Z')).toISOString(), '2026-03-01T12:05:00.000Z');
  assert.equal(dueTime('0 3 * * *', new Date('2026-03-01T12:07:30Z')).toISOString(), '2026-03-01T03:00:00.000Z');
  assert.equal(dueTime('not a schedule', new Date('2026-03-01T12:07:30Z')).toISOString(), '2026-03-01T12:05:00.000Z');
});
