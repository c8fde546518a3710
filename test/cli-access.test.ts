import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { ADMIN_KEY, GOOD_PASSWORD, call, login, startSecuredServer } from './helpers/access-kit.js';
import { CLI, runCli } from './helpers/spawn-cli.js';
import type { TestServer } from './helpers/test-server.js';

describe('umbral keys and users against the real server', () => {
  let server: TestServer;
  let env: Record<string, string>;
  before(async () => {
    server = await startSecuredServer({ models: {} });
    env = { UMBRAL_URL: server.url, UMBRAL_API_KEY: ADMIN_KEY };
  });
  after(() => server?.shutdown('test done'));

  it('creates a key (alone on stdout), lists it and revokes it', async () => {
    const created = await runCli(['keys', 'create', '--name', 'batch-job', '--scope', 'infer,admin:read', '--rpm', '60', '--expires', '30d'], env);
    assert.equal(created.code, 0, created.stderr);
    const key = created.stdout.trim();
    assert.match(key, /^umb_\S+$/);
    assert.match(created.stderr, /shown only this once/);
    assert.equal((await call(server, 'GET', '/admin/models', { credential: key })).status, 200);

    const listed = await runCli(['keys', 'list', '--json'], env);
    const keys = (JSON.parse(listed.stdout) as { keys: Array<{ id: string; name: string; limits: unknown }> }).keys;
    const record = keys.find((k) => k.name === 'batch-job');
    assert.deepEqual(record?.limits, { requestsPerMinute: 60 });
    assert.ok(!listed.stdout.includes(key));

    const revoked = await runCli(['keys', 'revoke', record?.id as string], env);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal((await call(server, 'GET', '/admin/models', { credential: key })).status, 401);
  });

  it('creates users with the password from the environment or stdin, sets roles, disables', async () => {
    const created = await runCli(['users', 'create', 'gina', '--role', 'viewer'], { ...env, UMBRAL_NEW_PASSWORD: GOOD_PASSWORD });
    assert.equal(created.code, 0, created.stderr);
    await login(server, 'gina');

    const piped = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'users', 'create', 'hugo', '--role', 'client'], { env: { PATH: process.env.PATH, ...env } });
      child.stdin.end(`${GOOD_PASSWORD}\n`);
      child.on('close', resolve);
    });
    assert.equal(piped, 0);
    await login(server, 'hugo');

    assert.equal((await runCli(['users', 'set-role', 'hugo', 'operator'], env)).code, 0);
    const list = await runCli(['users', 'list', '--json'], env);
    const users = (JSON.parse(list.stdout) as { users: Array<{ username: string; role: string }> }).users;
    assert.equal(users.find((u) => u.username === 'hugo')?.role, 'operator');
    assert.equal((await runCli(['users', 'disable', 'hugo'], env)).code, 0);
    await assert.rejects(login(server, 'hugo'));
  });

  it('prints the server\'s refusal and exits 1 without a permitted key', async () => {
    const result = await runCli(['keys', 'list'], { UMBRAL_URL: server.url });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /UMBRAL_ERR_UNAUTHENTICATED/);
  });
});
