import assert from 'node:assert/strict';
import { it } from 'node:test';
import { driftCheckJob } from './drift-check-job.js';

it('runs the drift check with windows ending when the run starts (not at its due time), with the job\'s signal', async () => {
  const calls: Array<[Date, AbortSignal | undefined]> = [];
  const job = driftCheckJob({ check: async (now, options) => { calls.push([now, options?.signal]); return '1 model checked'; } });
  const due = new Date('2026-01-01T00:05:00Z');
  const signal = new AbortController().signal;
  const started = Date.now();
  assert.equal(await job.run({ due, signal }), '1 model checked');
  assert.equal(calls.length, 1);
  assert.ok((calls[0]?.[0].getTime() ?? 0) >= started, 'the time of the run, not the due time');
  assert.equal(calls[0]?.[1], signal);
  assert.equal(job.name, 'drift-check');
  assert.equal(job.schedule, '* * * * *');
});
