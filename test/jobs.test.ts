import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_KEY, call, createKey, startSecuredServer } from './helpers/access-kit.js';
import { runCli } from './helpers/spawn-cli.js';
import type { TestServer } from './helpers/test-server.js';
import { until } from './helpers/until.js';

interface RunJson { status: string; summary: string | null; trigger: string; replica: string }

describe('scheduled jobs through the admin API and the CLI', () => {
  let server: TestServer;
  let env: Record<string, string>;
  before(async () => {
    server = await startSecuredServer({ models: {} });
    env = { UMBRAL_URL: server.url, UMBRAL_API_KEY: ADMIN_KEY };
  });
  after(() => server?.shutdown('test done'));

  it('adds a command job with the CLI, runs it now, shows its history, removes it', { timeout: 30_000 }, async () => {
    const added = await runCli(['jobs', 'add', 'retrain', '--schedule', '0 3 * * *', '--model', 'ticket-classifier',
      '--', process.execPath, '-e', 'console.log("retrained " + process.argv[1])', 'v7'], env);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /added job retrain; next run \d{4}-\d\d-\d\dT03:00:00\.000Z/);

    const listed = await runCli(['jobs', 'list'], env);
    assert.match(listed.stdout, /^NAME\s+KIND\s+SCHEDULE\s+NEXT RUN\s+LAST RUN\n/);
    assert.match(listed.stdout, /^retrain\s+operator\s+0 3 \* \* \*/m);
    // The server's own jobs are listed beside the operator's.
    for (const builtIn of ['drift-check', 'quality-window', 'prediction-retention']) assert.match(listed.stdout, new RegExp(`^${builtIn}\\s+built-in`, 'm'));

    const started = await runCli(['jobs', 'run', 'retrain'], env);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /^started job retrain/);
    let runs: RunJson[] = [];
    await until(async () => {
      runs = (await call(server, 'GET', '/admin/jobs/retrain/runs', { credential: ADMIN_KEY })).body.runs as RunJson[];
      return runs[0]?.status === 'succeeded';
    }, 50);
    assert.equal(runs[0]?.summary, 'exit 0\nretrained v7');
    assert.equal(runs[0]?.trigger, 'manual');

    const history = await runCli(['jobs', 'runs', 'retrain', '--limit', '5'], env);
    assert.match(history.stdout, /^DUE\s+TRIGGER\s+STATUS\s+TOOK\s+REPLICA\s+OUTCOME\n\S+\s+manual\s+succeeded\s+\d+ ms\s+\S+:\d+\s+exit 0/);

    const jobs = (await call(server, 'GET', '/admin/jobs', { credential: ADMIN_KEY })).body.jobs as Array<Record<string, unknown>>;
    const job = jobs.find((j) => j.name === 'retrain');
    assert.deepEqual(job?.action, { command: [process.execPath, '-e', 'console.log("retrained " + process.argv[1])', 'v7'] });
    assert.equal((job?.lastRun as RunJson | null)?.status, 'succeeded');

    assert.equal((await runCli(['jobs', 'remove', 'retrain'], env)).code, 0);
    const again = await runCli(['jobs', 'remove', 'retrain'], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /UMBRAL_ERR_JOB_NOT_FOUND/);
  });

  it('refuses bad jobs with a 400 and a code saying what to fix', async () => {
    const post = (body: unknown) => call(server, 'POST', '/admin/jobs', { credential: ADMIN_KEY, body });
    const cases: Array<[unknown, number, string]> = [
      [{ name: 'x', schedule: 'every night', action: { command: ['train'] } }, 400, 'UMBRAL_ERR_JOB_SCHEDULE_INVALID'],
      [{ name: 'x', schedule: '0 3 * * *', action: { webhook: { url: 'file:///etc/passwd' } } }, 400, 'UMBRAL_ERR_JOB_ACTION_INVALID'],
      [{ name: 'x', schedule: '0 3 * * *', action: { command: [] } }, 400, 'UMBRAL_ERR_JOB_ACTION_INVALID'],
      [{ name: 'x y', schedule: '0 3 * * *', action: { command: ['train'] } }, 400, 'UMBRAL_ERR_INVALID_NAME'],
      [[1, 2], 400, 'UMBRAL_ERR_INVALID_REQUEST'],
      ['{"name": ', 400, 'UMBRAL_ERR_INVALID_JSON'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await post(body);
      assert.equal(answer.status, status, JSON.stringify(answer.body));
      assert.equal(answer.body.code, code);
    }
    assert.equal((await post({ name: 'dup', schedule: '0 3 * * *', action: { webhook: { url: 'https://ci.example.com/x' } } })).status, 201);
    assert.equal((await post({ name: 'dup', schedule: '0 4 * * *', action: { command: ['train'] } })).body.code, 'UMBRAL_ERR_JOB_EXISTS');
    assert.equal((await call(server, 'GET', '/admin/jobs/nope/runs', { credential: ADMIN_KEY })).status, 404);
    assert.equal((await call(server, 'POST', '/admin/jobs/nope/run', { credential: ADMIN_KEY })).status, 404);
    assert.equal((await call(server, 'DELETE', '/admin/jobs/nope', { credential: ADMIN_KEY })).status, 404);
    assert.equal((await call(server, 'GET', '/admin/jobs/dup/runs?limit=0', { credential: ADMIN_KEY })).status, 400);
    const cli = await runCli(['jobs', 'add', 'z', '--schedule', '0 3 * * *'], env);
    assert.equal(cli.code, 2);
    assert.match(cli.stderr, /either --webhook URL or a command after --/);
  });

  it('lets admin:read list and admin:write change', async () => {
    const { key: reader } = await createKey(server, { scopes: ['admin:read'] });
    assert.equal((await call(server, 'GET', '/admin/jobs', { credential: reader })).status, 200);
    const refused = await call(server, 'POST', '/admin/jobs', { credential: reader, body: { name: 'r', schedule: '0 3 * * *', action: { command: ['train'] } } });
    assert.equal(refused.status, 403);
    assert.equal((await call(server, 'POST', '/admin/jobs/dup/run', { credential: reader })).status, 403);
    assert.equal((await call(server, 'GET', '/admin/jobs')).status, 401);
  });
});
