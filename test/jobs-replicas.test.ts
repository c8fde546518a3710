import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../src/config/load-config.js';
import { JobScheduler } from '../src/control/jobs/job-scheduler.js';
import type { Database } from '../src/store/database.js';
import { openDatabase } from '../src/store/open-database.js';
import { openPostgresDatabase } from '../src/store/postgres-database.js';
import { until } from './helpers/until.js';

const { databaseUrl } = loadConfig().store;
const skip = databaseUrl ? false : 'DATABASE_URL is not set: the test of two schedulers on one PostgreSQL is skipped';

describe('two job schedulers on one PostgreSQL database', { skip }, () => {
  const schema = `umbral_test_${randomBytes(6).toString('hex')}`;
  const opened: Database[] = [];
  const open = async () => {
    const db = await openDatabase({ dataDir: '', databaseUrl, schema });
    opened.push(db);
    return db;
  };
  const scheduler = (db: Database, replica: string) => new JobScheduler({
    db, logger: pino({ level: 'silent' }), replica, leaseMs: 60_000, commandTimeoutMs: 10_000, resyncIntervalMs: 600_000, historyDays: 30,
  });
  after(async () => {
    await Promise.all(opened.map((db) => db.close()));
    const admin = await openPostgresDatabase({ url: databaseUrl });
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.close();
  });

  it('run each due run of a job exactly once between them', { timeout: 20_000 }, async () => {
    const [a, b] = [await open(), await open()];
    const ran: Array<{ replica: string; due: string }> = [];
    const replicas = [scheduler(a, 'replica-a'), scheduler(b, 'replica-b')];
    replicas.forEach((jobs, i) => jobs.register({
      name: 'count', schedule: '* * * * * *', description: 'counts',
      run: async ({ due }) => { ran.push({ replica: `replica-${'ab'[i]}`, due: due.toISOString() }); },
    }));
    await Promise.all(replicas.map((jobs) => jobs.start()));
    await until(async () => (await a.query("SELECT 1 FROM umbral_job_runs WHERE job = 'count' AND status = 'succeeded'")).length >= 4, 50);
    await Promise.all(replicas.map((jobs) => jobs.stop()));
    const rows = await a.query<{ due: Date; replica: string; status: string }>("SELECT due, replica, status FROM umbral_job_runs WHERE job = 'count'");
    const dues = ran.map((run) => run.due);
    assert.equal(new Set(dues).size, dues.length, `a due run ran twice: ${JSON.stringify(ran)}`);
    assert.deepEqual(dues.sort(), rows.map((row) => row.due.toISOString()).sort(), 'each claimed run ran, and only those');
    assert.ok(rows.every((row) => row.status === 'succeeded'), JSON.stringify(rows));
  });

  it('a job added through one replica is run by another, told by a notification', { timeout: 20_000 }, async () => {
    const [a, b] = [await open(), await open()];
    const adder = scheduler(a, 'replica-a'); // jobs.enabled=false on A: it serves the admin API only
    const runner = scheduler(b, 'replica-b');
    await runner.start();
    try {
      await adder.add({ name: 'told', schedule: '* * * * * *', action: { command: [process.execPath, '-e', 'console.log("ok")'] } }, 'alice');
      await until(async () => (await adder.history('told', 10)).some((run) => run.status === 'succeeded'), 50);
      assert.ok((await adder.history('told', 10)).every((run) => run.replica === 'replica-b'));
    } finally {
      await runner.stop();
    }
  });
});
