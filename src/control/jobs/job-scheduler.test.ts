import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { EventSink, UmbralEvent } from '../../mlops/events/umbral-event.js';
import type { Database } from '../../store/database.js';
import { openDatabase } from '../../store/open-database.js';
import { testTempDir } from '../../../test/helpers/temp-dir.js';
import { until } from '../../../test/helpers/until.js';
import { JobScheduler, type JobSchedulerOptions } from './job-scheduler.js';
import type { JobRun } from './job-runs.js';

const EVERY_SECOND = '* * * * * *';

/** Remembers every event (the EventSink a notification outbox would be). */
class RecordingSink implements EventSink {
  readonly events: UmbralEvent[] = [];
  emit(event: UmbralEvent): void {
    this.events.push(event);
  }
}

function scheduler(db: Database, extra: Partial<JobSchedulerOptions> = {}): JobScheduler {
  return new JobScheduler({
    db, logger: pino({ level: 'silent' }), leaseMs: 60_000, commandTimeoutMs: 10_000, resyncIntervalMs: 600_000, historyDays: 30, ...extra,
  });
}

/** Polls a job's history until `done` holds (bounded by the test's timeout). */
async function runsUntil(jobs: JobScheduler, name: string, done: (runs: JobRun[]) => boolean): Promise<JobRun[]> {
  let runs: JobRun[] = [];
  await until(async () => done(runs = await jobs.history(name, 100).catch(() => [])), 50);
  return runs;
}

describe('JobScheduler on the embedded store', () => {
  let db: Database;
  before(async () => { db = await openDatabase({ dataDir: testTempDir('umbral-jobs-'), databaseUrl: '' }); });
  after(() => db.close());

  it('records a failed run and reports it as a job.failed event', { timeout: 10_000 }, async () => {
    const sink = new RecordingSink();
    const jobs = scheduler(db, { events: sink });
    jobs.register({ name: 'always-fails', schedule: EVERY_SECOND, description: 'fails', model: 'ticket-classifier', run: async () => { throw new Error('no labels yet'); } });
    await jobs.start();
    const runs = await runsUntil(jobs, 'always-fails', (r) => r.some((run) => run.status === 'failed'));
    await jobs.stop();
    const failed = runs.find((run) => run.status === 'failed');
    assert.equal(failed?.error, 'no labels yet');
    assert.equal(failed?.trigger, 'schedule');
    assert.equal(failed?.due.getUTCMilliseconds(), 0);
    const event = sink.events[0];
    assert.equal(event?.type, 'job.failed');
    assert.equal(event?.model, 'ticket-classifier');
    assert.match(event?.summary ?? '', /^job always-fails failed \(due .*\): no labels yet$/);
    assert.equal(event?.details?.job, 'always-fails');
  });

  it('calls an operator webhook with the documented body, and shows its action without secrets', { timeout: 10_000 }, async () => {
    const calls: Array<{ headers: IncomingHttpHeaders; body: unknown; url: string | undefined }> = [];
    const receiver = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => { text += chunk.toString(); });
      request.on('end', () => {
        calls.push({ headers: request.headers, body: JSON.parse(text) as unknown, url: request.url });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/retrain?token=s3cret`;
    const jobs = scheduler(db);
    await jobs.start();
    try {
      await jobs.add({ name: 'hook', schedule: EVERY_SECOND, model: 'ticket-classifier', action: { webhook: { url, headers: { 'x-ci-token': 'abc' } } } }, 'alice');
      const runs = await runsUntil(jobs, 'hook', (r) => r.some((run) => run.status === 'succeeded'));
      const run = runs.find((r) => r.status === 'succeeded');
      assert.equal(run?.summary, 'webhook answered 204');
      const call = calls[0];
      assert.deepEqual(call?.body, { job: 'hook', due: run?.due.toISOString(), model: 'ticket-classifier' });
      assert.equal(call?.url, '/hooks/retrain?token=s3cret');
      assert.equal(call?.headers['x-ci-token'], 'abc');
      assert.equal(call?.headers['content-type'], 'application/json');
      assert.equal(call?.headers['idempotency-key'], `hook@${run?.due.toISOString()}`);
      const view = (await jobs.list()).find((job) => job.name === 'hook');
      assert.deepEqual(view?.action, { webhook: { url: new URL(url).origin, headers: ['x-ci-token'] } });
      assert.equal(view?.createdBy, 'alice');
      assert.ok(view?.nextRun instanceof Date);
    } finally {
      await jobs.remove('hook');
      await jobs.stop();
      receiver.close();
    }
  });

  it('runs an operator command on demand and keeps its output', { timeout: 10_000 }, async () => {
    const jobs = scheduler(db);
    await jobs.add({ name: 'train', schedule: '0 3 * * *', action: { command: [process.execPath, '-e', 'console.log("retrained ticket-classifier")'] } }, 'bob');
    const started = await jobs.runNow('train');
    assert.equal(started.status, 'running');
    assert.equal(started.trigger, 'manual');
    const runs = await runsUntil(jobs, 'train', (r) => r[0]?.status === 'succeeded');
    assert.equal(runs[0]?.summary, 'exit 0\nretrained ticket-classifier');
    await assert.rejects(jobs.runNow('no-such-job'), { code: 'UMBRAL_ERR_JOB_NOT_FOUND' });
    await jobs.remove('train');
    await assert.rejects(jobs.remove('train'), { code: 'UMBRAL_ERR_JOB_NOT_FOUND' });
    assert.equal((await jobs.history('train', 10)).length, 1, 'history outlives the job');
    await jobs.stop();
  });

  it('skips a due run while the previous is still going, and stop() aborts a running job, recorded as abandoned', { timeout: 10_000 }, async () => {
    const jobs = scheduler(db);
    jobs.register({
      name: 'slow', schedule: EVERY_SECOND, description: 'waits for shutdown',
      run: ({ signal }) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
    });
    await jobs.start();
    await runsUntil(jobs, 'slow', (r) => r.some((run) => run.status === 'skipped'));
    await assert.rejects(jobs.runNow('slow'), { code: 'UMBRAL_ERR_JOB_BUSY' });
    await jobs.stop();
    const runs = await jobs.history('slow', 100);
    assert.equal(runs.filter((run) => run.status === 'abandoned').length, 1);
    assert.equal(runs.filter((run) => run.status === 'running').length, 0);
    assert.ok(runs.filter((run) => run.status === 'skipped').every((run) => run.summary?.startsWith('not run')));
  });

  it('marks abandoned a run whose replica stopped confirming it, and reports it once', { timeout: 10_000 }, async () => {
    await db.query(`INSERT INTO umbral_job_runs (job, due, trigger, status, replica, heartbeat_at)
      VALUES ('nightly', now() - interval '1 hour', 'schedule', 'running', 'dead-host:1', now() - interval '10 minutes')`);
    const sink = new RecordingSink();
    const jobs = scheduler(db, { events: sink, leaseMs: 60_000 });
    jobs.register({ name: 'nightly', schedule: '0 3 * * *', description: 'n', run: async () => 'ok' });
    await jobs.start();
    await jobs.stop();
    const [run] = await jobs.history('nightly', 10);
    assert.equal(run?.status, 'abandoned');
    assert.match(run?.error ?? '', /dead-host:1 stopped confirming it/);
    assert.deepEqual(sink.events.map((event) => event.type), ['job.failed']);
  });

  it('refuses to add a job under a built-in name or with a bad schedule', async () => {
    const jobs = scheduler(db);
    jobs.register({ name: 'drift-check', schedule: '*/10 * * * *', description: 'd', run: async () => undefined });
    await assert.rejects(jobs.add({ name: 'drift-check', schedule: '* * * * *', action: { command: ['true'] } }, 'a'), { code: 'UMBRAL_ERR_JOB_EXISTS' });
    await assert.rejects(jobs.remove('drift-check'), { code: 'UMBRAL_ERR_JOB_BUILT_IN' });
    await assert.rejects(jobs.add({ name: 'x', schedule: '* * *', action: { command: ['true'] } }, 'a'), { code: 'UMBRAL_ERR_JOB_SCHEDULE_INVALID' });
  });
});
