import assert from 'node:assert/strict';
import { it } from 'node:test';
import { driftCheckJob } from './drift-check-job.js';

it('runs the drift check at the time the run was due, with the job\'s signal', async () => {
  const calls: Array<[Date, AbortSignal | undefined]> = [];
  const job = driftCheckJob({ check: async (now, options) => { calls.push([now, options?.signal]); return '1 model checked'; } });
  const due = new Date('2026-01-01T00:05:00Z');
  const signal = new AbortController().signal;
  assert.equal(await job.run({ due, signal }), '1 model checked');
  assert.deepEqual(calls, [[due, signal]]);
  assert.equal(job.name, 'drift-check');
  assert.equal(job.schedule, '* * * * *');
});
