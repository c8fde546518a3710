import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { loadConfig } from '../src/config/load-config.js';
import { ADMIN_KEY, call, createKey, createUser, GOOD_PASSWORD, JWT_SECRET, login } from './helpers/access-kit.js';
import { inferScale, scaleModel, uploadVersion } from './helpers/scale-model.js';
import { runCli } from './helpers/spawn-cli.js';
import { testTempDir } from './helpers/temp-dir.js';
import { ECHO_MODEL_DIR, startTestServer, type TestServer } from './helpers/test-server.js';

const databaseUrl = loadConfig().store.databaseUrl;
const NO_POSTGRES = 'DATABASE_URL is not set: the PostgreSQL round trip needs a server (export DATABASE_URL=postgres://…)';
const AUTH = { UMBRAL_AUTH: 'on', UMBRAL_ADMIN_KEY: ADMIN_KEY, UMBRAL_JWT_SECRET: JWT_SECRET };

/** A secured server on a store: the embedded one in `dataDir`, or a PostgreSQL schema (artifacts in `dataDir`). */
function serverOn(dataDir: string, schema?: string): Promise<TestServer> {
  return startTestServer({
    models: { echo: ECHO_MODEL_DIR },
    overrides: {
      'auth.mode': 'on', 'auth.adminKey': ADMIN_KEY, 'auth.jwtSecret': JWT_SECRET, 'store.dataDir': dataDir,
      ...(schema ? { 'store.databaseUrl': databaseUrl, 'store.databaseSchema': schema } : {}),
    },
  });
}

const storeEnv = (dataDir: string, schema?: string) => ({ UMBRAL_DATA_DIR: dataDir, ...AUTH, ...(schema ? { DATABASE_URL: databaseUrl, UMBRAL_DATABASE_SCHEMA: schema } : {}) });

/** Everything the registry and access control hold, as the admin API shows it (minus what serving changes). */
async function registryState(server: TestServer) {
  const get = async (path: string) => {
    const answer = await call(server, 'GET', path, { credential: ADMIN_KEY });
    assert.equal(answer.status, 200, `${path}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const models = (await get('/admin/models')).models as Array<Record<string, unknown>>;
  const state: Record<string, unknown> = {};
  for (const { name } of models) {
    const { serving: _serving, ...detail } = await get(`/admin/models/${String(name)}`);
    state[String(name)] = {
      detail, history: (await get(`/admin/models/${String(name)}/history?limit=1000`)).entries,
      policy: await get(`/admin/models/${String(name)}/policy`), policyHistory: await get(`/admin/models/${String(name)}/policy/history`),
    };
  }
  const keys = ((await get('/admin/keys')).keys as Array<Record<string, unknown>>).map(({ lastUsedAt: _used, ...key }) => key);
  return { models: models.map((m) => m.name), state, keys, users: (await get('/admin/users')).users };
}

async function restore(args: string[], env: Record<string, string>) {
  const result = await runCli(['restore', ...args], env);
  return { ...result, all: result.stdout + result.stderr };
}

describe('umbral backup and restore', () => {
  const source = testTempDir('umbral-backup-source-');
  const backups = testTempDir('umbral-backups-');
  const backup = join(backups, 'one');
  let original: Awaited<ReturnType<typeof registryState>>;
  let operatorKey: string;

  before(async () => {
    const server = await serverOn(source);
    try {
      assert.equal((await call(server, 'POST', '/admin/models', { credential: ADMIN_KEY, body: { name: 'scale', description: 'y = k x' } })).status, 201);
      assert.equal((await uploadVersion(server.url, 'scale', scaleModel(1), { alias: 'champion', credential: ADMIN_KEY })).status, 201);
      assert.equal((await uploadVersion(server.url, 'scale', scaleModel(3), { alias: 'challenger', credential: ADMIN_KEY, manifest: { metrics: { accuracy: 0.9 } } })).status, 201);
      assert.equal((await call(server, 'POST', '/admin/models/scale/promote', { credential: ADMIN_KEY })).status, 200);
      assert.equal((await call(server, 'PUT', '/admin/models/scale/aliases/stable', { credential: ADMIN_KEY, body: { version: 1 } })).status, 200);
      assert.equal((await call(server, 'PUT', '/admin/models/scale/versions/2/tags/retrained', { credential: ADMIN_KEY })).status, 204);
      const policy = await call(server, 'PUT', '/admin/models/scale/policy', { credential: ADMIN_KEY, body: { required: false, fallback: ['echo'] } });
      assert.equal(policy.status, 200, JSON.stringify(policy.body));
      operatorKey = (await createKey(server, { name: 'ci', scopes: ['infer', 'admin:read'] })).key;
      await createUser(server, 'alice', 'operator');
      assert.equal((await inferScale(server.url, '/v2/models/scale/infer', 2)).status, 401, 'the server is secured');
      original = await registryState(server);
    } finally {
      await server.shutdown('backup source ready');
    }
    const written = await runCli(['backup', '--out', backup], storeEnv(source));
    assert.equal(written.code, 0, written.stdout + written.stderr);
    assert.match(written.stdout, /backup written to .*: \d+ tables, \d+ rows, 3 artifacts/);
  });

  it('writes the backup readable by its owner only, with a manifest naming the schema and every file', () => {
    assert.equal(statSync(backup).mode & 0o777, 0o700);
    const manifest = JSON.parse(readFileSync(join(backup, 'backup.json'), 'utf8')) as { migrations: string[]; tables: Array<{ name: string; rows: number }> };
    assert.equal(statSync(join(backup, 'backup.json')).mode & 0o777, 0o600);
    assert.equal(statSync(join(backup, 'tables', 'umbral_api_keys.jsonl')).mode & 0o777, 0o600);
    assert.ok(manifest.migrations.includes('0001-registry'));
    const names = manifest.tables.map((t) => t.name);
    assert.ok(names.indexOf('umbral_models') < names.indexOf('umbral_versions'), 'parents load first');
    assert.ok(names.indexOf('umbral_versions') < names.indexOf('umbral_aliases'));
    assert.ok((manifest.tables.find((t) => t.name === 'umbral_audit_log')?.rows ?? 0) > 5);
    const keys = readFileSync(join(backup, 'tables', 'umbral_api_keys.jsonl'), 'utf8');
    assert.ok(!keys.includes(operatorKey), 'a key is kept as its hash, never its text');
  });

  it('restores into a fresh embedded store; refuses bad input leaving the target unchanged; serves the same', async () => {
    const target = testTempDir('umbral-restore-target-');
    const restored = await restore([backup], storeEnv(target));
    assert.equal(restored.code, 0, restored.all);

    const again = await restore([backup], storeEnv(target));
    assert.equal(again.code, 1);
    assert.match(again.all, /not empty \(rows in .*umbral_models.*\).*--force/);

    const missing = await restore([join(backups, 'no-such-backup')], storeEnv(target));
    assert.equal(missing.code, 1);
    assert.match(missing.all, /no-such-backup is not a usable umbral backup: it has no backup\.json/);

    const damagedRows = join(testTempDir('umbral-damaged-'), 'b');
    cpSync(backup, damagedRows, { recursive: true });
    const audit = join(damagedRows, 'tables', 'umbral_audit_log.jsonl');
    writeFileSync(audit, readFileSync(audit, 'utf8').replace('"promote"', '"rollback"'));
    const corrupt = await restore([damagedRows, '--force'], storeEnv(target));
    assert.equal(corrupt.code, 1);
    assert.match(corrupt.all, /umbral_audit_log\.jsonl has sha256 [0-9a-f]{64}, not the [0-9a-f]{64} recorded/);

    const damagedArtifact = join(testTempDir('umbral-damaged-'), 'b');
    cpSync(backup, damagedArtifact, { recursive: true });
    const [artifact] = readdirSync(join(damagedArtifact, 'artifacts'));
    const artifactPath = join(damagedArtifact, 'artifacts', artifact as string);
    chmodSync(artifactPath, 0o600);
    writeFileSync(artifactPath, 'not the model');
    const mismatch = await restore([damagedArtifact, '--force'], storeEnv(target));
    assert.equal(mismatch.code, 1);
    assert.match(mismatch.all, new RegExp(`artifacts/${artifact} has sha256`));

    const notJson = join(testTempDir('umbral-damaged-'), 'b');
    cpSync(backup, notJson, { recursive: true });
    writeFileSync(join(notJson, 'backup.json'), '{"format": "umbral-backup"');
    assert.match((await restore([notJson], storeEnv(target))).all, /backup\.json is not valid JSON/);

    // --force replaces what the target holds: still one copy of every row.
    const forced = await restore([backup, '--force'], storeEnv(target));
    assert.equal(forced.code, 0, forced.all);

    await expectSameRegistry(target);
  });

  /** A server on the restored store shows what the source held, still knows its keys and users, and serves the same answers. */
  async function expectSameRegistry(dataDir: string, schema?: string) {
    const server = await serverOn(dataDir, schema);
    try {
      assert.deepEqual(await registryState(server), original);
      const scale = await inferScale(server.url, '/v2/models/scale/infer', 2);
      assert.equal(scale.status, 401);
      const response = await fetch(`${server.url}/v2/models/scale/infer`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorKey}` },
        body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: [2] }] }),
      });
      const body = await response.json() as { model_version: string; outputs: Array<{ data: number[] }> };
      assert.equal(response.status, 200, JSON.stringify(body));
      assert.deepEqual({ version: body.model_version, y: body.outputs[0]?.data[0] }, { version: '2', y: 6 }, 'the promoted version serves');
      await login(server, 'alice', GOOD_PASSWORD);
      const history = (await call(server, 'GET', '/admin/models/scale/history?limit=1', { credential: ADMIN_KEY })).body.entries as Array<{ id: number }>;
      // New entries get fresh ids after the restored ones (sequences moved past them).
      assert.equal((await call(server, 'PUT', '/admin/models/scale/aliases/canary', { credential: ADMIN_KEY, body: { version: 2 } })).status, 200);
      const next = (await call(server, 'GET', '/admin/models/scale/history?limit=1', { credential: ADMIN_KEY })).body.entries as Array<{ id: number }>;
      assert.ok((next[0]?.id ?? 0) > (history[0]?.id ?? 0));
    } finally {
      await server.shutdown('checked');
    }
  }

  describe('with PostgreSQL', { skip: databaseUrl ? false : NO_POSTGRES }, () => {
    const schemas = [`umbral_backup_${process.pid}_a`];
    let client: pg.Client;
    before(async () => {
      client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
    });
    after(async () => {
      for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    });

    it('restores the embedded backup into a fresh schema, backs that up while it serves, and restores it into an embedded store', async () => {
      const [schema] = schemas as [string];
      const artifacts = testTempDir('umbral-restore-pg-');
      const restored = await restore([backup], storeEnv(artifacts, schema));
      assert.equal(restored.code, 0, restored.all);
      await expectSameRegistry(artifacts, schema);

      const server = await serverOn(artifacts, schema);
      const fromPostgres = join(backups, 'from-postgres');
      try {
        const written = await runCli(['backup', '--out', fromPostgres], storeEnv(artifacts, schema));
        assert.equal(written.code, 0, written.stdout + written.stderr);
      } finally {
        await server.shutdown('backed up while serving');
      }
      assert.equal(JSON.parse(readFileSync(join(fromPostgres, 'backup.json'), 'utf8')).store, 'postgres');
      const embedded = testTempDir('umbral-restore-back-');
      const back = await restore([fromPostgres], storeEnv(embedded));
      assert.equal(back.code, 0, back.all);
      const server2 = await serverOn(embedded);
      try {
        const state = await registryState(server2);
        // expectSameRegistry added a 'canary' alias on the PostgreSQL copy: that is the only difference.
        assert.deepEqual(state.models, original.models);
        assert.deepEqual(state.keys, original.keys);
        assert.equal(((state.state.scale as { detail: { aliases: Record<string, number> } }).detail.aliases).canary, 2);
      } finally {
        await server2.shutdown('checked');
      }
    });
  });
});
