import assert from 'node:assert/strict';



import { describe, it } from 'node:test';
import { JWT_SECRET } from './helpers/access-kit.js';
import { runCli, serveCli } from './helpers/spawn-cli.js';
import { testTempDir } from './helpers/temp-dir.js';

const emptyModels = () => testTempDir('umbral-no-models-');

describe('UMBRAL_ENV=production', () => {
  it('refuses to start without its signing key, naming it', async () => {
    const result = await runCli(['serve', '--port', '0'], { UMBRAL_ENV: 'production', UMBRAL_MODELS_DIR: emptyModels() });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /UMBRAL_JWT_SECRET.*required in production/);
  });

  it('refuses access control off, and every problem is named at once', async () => {
    const result = await runCli(['serve', '--port', '0'], { UMBRAL_ENV: 'production', UMBRAL_AUTH: 'off', UMBRAL_ADMIN_KEY: 'short' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /UMBRAL_AUTH.*cannot be off in production/);
    assert.match(result.stderr, /UMBRAL_ADMIN_KEY.*at least 32/);
    assert.match(result.stderr, /UMBRAL_JWT_SECRET/);
  });

  it('refuses a shared database without a shared key for notification channels\' secrets', async () => {
    const result = await runCli(['serve', '--port', '0'], {
      UMBRAL_ENV: 'production', UMBRAL_JWT_SECRET: JWT_SECRET, UMBRAL_MODELS_DIR: emptyModels(), DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /UMBRAL_NOTIFICATIONS_SECRET_KEY.*required in production with DATABASE_URL/);
  });

  it('prints a generated admin key once on the first start, never in the log, and it works', async () => {
    const env = {
      UMBRAL_ENV: 'production', UMBRAL_JWT_SECRET: JWT_SECRET, UMBRAL_HOST: '127.0.0.1',
      UMBRAL_MODELS_DIR: emptyModels(), UMBRAL_DATA_DIR: testTempDir('umbral-prod-data-'),
    };
    const first = await serveCli([], env);
    let key: string;
    try {
      const keys = first.output().split('\n').filter((line) => /^umb_\S+$/.test(line));
      assert.equal(keys.length, 1, first.output());
      key = keys[0] as string;
      const logLines = first.output().split('\n').filter((line) => line.startsWith('{'));
      assert.ok(logLines.length > 0);
      assert.ok(logLines.every((line) => !line.includes(key)), 'the key reached a log line');
      const me = await fetch(`${first.url}/auth/me`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(me.status, 200);
      assert.equal((await fetch(`${first.url}/admin/models`)).status, 401);
    } finally {
      first.child.kill('SIGTERM');
      await new Promise((resolve) => first.child.once('exit', resolve));
    }
    const second = await serveCli([], env);
    try {
      assert.ok(!second.output().includes('umb_'), 'a second start must not print a key again');
      const me = await fetch(`${second.url}/auth/me`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(me.status, 200);
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((resolve) => second.child.once('exit', resolve));
    }
  });
});
