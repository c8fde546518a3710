import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config/load-config.js';
import { stopReplicas, within } from './helpers/replica-kit.js';
import { serveCli } from './helpers/spawn-cli.js';
import { inferScale, scaleModel, uploadVersion } from './helpers/scale-model.js';
import { DEFAULT_MODELS, startTestServer } from './helpers/test-server.js';
import { testTempDir } from './helpers/temp-dir.js';

const databaseUrl = loadConfig().store.databaseUrl;
const skip = databaseUrl ? false : 'DATABASE_URL is not set: the two-replica test needs a PostgreSQL server';

describe('two replicas on one PostgreSQL', { skip }, () => {
  const schema = `umbral_test_${randomBytes(4).toString('hex')}`;
  const artifacts = testTempDir('umbral-shared-artifacts-');
  const replicas: Array<Awaited<ReturnType<typeof serveCli>>> = [];
  before(async () => {
    const env = {
      DATABASE_URL: databaseUrl, UMBRAL_DATABASE_SCHEMA: schema, UMBRAL_ARTIFACTS_DIR: artifacts,
      UMBRAL_MODELS_DIR: testTempDir('umbral-empty-models-'), UMBRAL_ONNX_WORKERS: '1',
      UMBRAL_REGISTRY_RESYNC_MS: '600000',
    };
    // The first migrates the schema; the second starts against it.
    replicas.push(await serveCli([], { ...env, UMBRAL_DATA_DIR: testTempDir('umbral-a-') }));
    replicas.push(await serveCli([], { ...env, UMBRAL_DATA_DIR: testTempDir('umbral-b-') }));
  });
  after(() => stopReplicas(replicas, databaseUrl, schema));

  it('serves on B, within one second, a new version and a promotion made through A', async () => {
    const [a, b] = replicas as [typeof replicas[0], typeof replicas[0]];
    assert.equal((await uploadVersion(a.url, 'scale', scaleModel(1), { alias: 'champion' })).status, 201);
    const newModel = await within(1000, async () => (await inferScale(b.url, '/v2/models/scale/infer', 2)).y === 2);
    assert.ok(newModel < 1000);

    assert.equal((await uploadVersion(a.url, 'scale', scaleModel(2), { alias: 'challenger' })).status, 201);
    await within(1000, async () => (await inferScale(b.url, '/v2/models/scale/versions/challenger/infer', 2)).y === 4);

    const promote = await fetch(`${a.url}/admin/models/scale/promote`, { method: 'POST' });
    assert.equal(promote.status, 200);
    const promoted = await within(1000, async () => (await inferScale(b.url, '/v2/models/scale/infer', 2)).version === '2');
    assert.ok(promoted < 1000, `B served the promotion after ${promoted.toFixed(0)} ms`);

    const rollback = await fetch(`${b.url}/admin/models/scale/rollback`, { method: 'POST' });
    assert.equal(rollback.status, 200);
    await within(1000, async () => (await inferScale(a.url, '/v2/models/scale/infer', 2)).version === '1');
  });
});

describe('replicas starting together on one model repository', { skip }, () => {
  it('create the schema and import each model once, with no error, whichever replica gets there first', async () => {
    const schema = `umbral_test_${randomBytes(4).toString('hex')}`;
    const overrides = { 'store.databaseUrl': databaseUrl, 'store.databaseSchema': schema, 'store.artifactsDir': testTempDir('umbral-shared-artifacts-') };
    const starts = await Promise.allSettled([startTestServer({ overrides }), startTestServer({ overrides })]);
    const servers = starts.flatMap((start) => (start.status === 'fulfilled' ? [start.value] : []));
    try {
      for (const start of starts) if (start.status === 'rejected') throw start.reason;
      for (const server of servers) {
        const errors = server.logLines().filter((line) => (line.level as number) >= 50);
        assert.deepEqual(errors.map((line) => line.msg), [], JSON.stringify(errors));
        assert.equal((await fetch(`${server.url}/v2/models/echo/ready`)).status, 200);
      }
      const imported = servers.flatMap((server) => server.logLines().filter((line) => line.msg === 'imported model version from disk'));
      assert.equal(imported.length, Object.keys(DEFAULT_MODELS).length, 'each bundled model imported once in all');
    } finally {
      await Promise.all(servers.map((server) => server.shutdown('test over')));
      await stopReplicas([], databaseUrl, schema);
    }
  });
});
