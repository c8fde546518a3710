import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ECHO_MODEL_DIR, getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';
import { inferScale, scaleModel, uploadVersion } from './helpers/scale-model.js';
import { testTempDir } from './helpers/temp-dir.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function send(url: string, method: string, body?: unknown) {
  const response = await fetch(url, {
    method, body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

describe('admin API: model registry', () => {
  let server: TestServer;
  let admin: string;
  before(async () => {
    server = await startTestServer({ models: { echo: ECHO_MODEL_DIR } });
    admin = `${server.url}/admin/models`;
  });
  after(() => server.shutdown('test over'));

  /** What a bad request must leave unchanged: aliases, versions and the audit log. */
  async function snapshot(model: string) {
    const shown = await getJson(`${admin}/${model}`);
    const history = await getJson(`${admin}/${model}/history?limit=1000`);
    return { aliases: shown.body.aliases, versions: (shown.body.versions as Array<{ version: number }>).map((v) => v.version), history: (history.body.entries as unknown[]).length };
  }

  it('imports the on-disk repository at start, with the highest version as champion', async () => {
    const list = await getJson(admin);
    const echo = (list.body.models as Array<Record<string, unknown>>).find((m) => m.name === 'echo');
    assert.deepEqual(echo?.aliases, { champion: 1 });
    assert.deepEqual(echo?.serving, { version: '1', status: 'ready' });
    const shown = await getJson(`${admin}/echo`);
    const [version] = shown.body.versions as Array<{ manifest: { inputs: unknown[]; serving: { max_batch_size: number } }; createdBy: string }>;
    assert.equal(version?.createdBy, 'system');
    assert.equal(version?.manifest.inputs.length, 7, 'the stored manifest lists every input in full');
    assert.equal(version?.manifest.serving.max_batch_size, 8);
  });

  it('creates a model, uploads versions, moves aliases, promotes and rolls back, and serves accordingly', async () => {
    assert.equal((await send(admin, 'POST', { name: 'scale', description: 'y = k x' })).status, 201);
    const v1 = await uploadVersion(server.url, 'scale', scaleModel(1), { sha256: sha256(scaleModel(1)), alias: 'champion' });
    assert.equal(v1.status, 201, JSON.stringify(v1.body));
    assert.equal(v1.body.version, 1);
    assert.equal(v1.body.sha256, sha256(scaleModel(1)));
    const v2 = await uploadVersion(server.url, 'scale', scaleModel(2), { alias: 'challenger', manifest: { metrics: { accuracy: 0.9 }, training: { seed: 7 } } });
    assert.equal(v2.status, 201, JSON.stringify(v2.body));

    assert.deepEqual(await inferScale(server.url, '/v2/models/scale/infer', 3), { status: 200, version: '1', y: 3, error: undefined });
    assert.equal((await inferScale(server.url, '/v2/models/scale/versions/challenger/infer', 3)).y, 6);
    assert.equal((await inferScale(server.url, '/v2/models/scale/versions/2/infer', 3)).version, '2');

    const promoted = await send(`${admin}/scale/promote`, 'POST');
    assert.equal(promoted.status, 200);
    assert.deepEqual(promoted.body.aliases, { champion: 2, previous: 1 });
    assert.equal((await inferScale(server.url, '/v2/models/scale/infer', 3)).version, '2');

    const rolledBack = await send(`${admin}/scale/rollback`, 'POST');
    assert.deepEqual(rolledBack.body.aliases, { champion: 1, previous: 2 });
    assert.equal((await inferScale(server.url, '/v2/models/scale/infer', 3)).version, '1');

    const history = await getJson(`${admin}/scale/history`);
    const actions = (history.body.entries as Array<{ action: string; subject: string | null; from: string | null; to: string | null; detail?: { gate?: string } }>);
    // One entry per alias moved, newest first.
    const distinct = actions.map((e) => e.action).filter((action, i, all) => action !== all[i - 1]);
    assert.deepEqual(distinct.slice(0, 2), ['rollback', 'promote']);
    // No promotion gate in the policy: the entry says the challenger went in unevaluated.
    assert.ok(actions.some((e) => e.action === 'promote' && e.subject === 'champion' && e.from === '1' && e.to === '2' && e.detail?.gate === 'none'));
    assert.ok(actions.some((e) => e.action === 'rollback' && e.subject === 'champion' && e.from === '2' && e.to === '1'));
    assert.ok(actions.some((e) => e.action === 'alias.set' && e.to === '2'));
  });

  it('tags versions and deletes an unaliased one', async () => {
    const v3 = await uploadVersion(server.url, 'scale', scaleModel(3));
    assert.equal(v3.status, 201);
    assert.equal((await send(`${admin}/scale/versions/3/tags/candidate`, 'PUT')).status, 204);
    assert.deepEqual((await getJson(`${admin}/scale/versions/3`)).body.tags, ['candidate']);
    assert.equal((await send(`${admin}/scale/versions/3`, 'DELETE')).status, 204);
    assert.equal((await getJson(`${admin}/scale/versions/3`)).status, 404);
    assert.equal((await inferScale(server.url, '/v2/models/scale/versions/3/infer', 1)).status, 404);
  });

  it('refuses bad requests with a 4xx and leaves the registry unchanged', async () => {
    const wrongManifest = { inputs: [{ name: 'x', datatype: 'INT8' }] };
    const cases: Array<[string, () => Promise<{ status: number; body: Record<string, unknown> }>, number, string]> = [
      ['corrupt artifact', () => uploadVersion(server.url, 'scale', new TextEncoder().encode('not a model')), 400, 'UMBRAL_ERR_ARTIFACT_INVALID'],
      ['hash mismatch', () => uploadVersion(server.url, 'scale', scaleModel(4), { sha256: sha256(scaleModel(5)) }), 400, 'UMBRAL_ERR_ARTIFACT_HASH_MISMATCH'],
      ['manifest disagrees', () => uploadVersion(server.url, 'scale', scaleModel(4), { manifest: wrongManifest }), 400, 'UMBRAL_ERR_MANIFEST_INVALID'],
      ['manifest malformed', () => uploadVersion(server.url, 'scale', scaleModel(4), { manifest: { backend: 'tensorflow' } }), 400, 'UMBRAL_ERR_MANIFEST_INVALID'],
      ['duplicate version', () => uploadVersion(server.url, 'scale', scaleModel(2)), 409, 'UMBRAL_ERR_DUPLICATE_VERSION'],
      ['bad alias on upload', () => uploadVersion(server.url, 'scale', scaleModel(4), { alias: '42' }), 400, 'UMBRAL_ERR_INVALID_NAME'],
      ['unknown alias', () => send(`${admin}/scale/aliases/nope`, 'DELETE'), 404, 'UMBRAL_ERR_ALIAS_NOT_FOUND'],
      ['alias to unknown version', () => send(`${admin}/scale/aliases/beta`, 'PUT', { version: 99 }), 404, 'UMBRAL_ERR_VERSION_NOT_FOUND'],
      ['alias without version', () => send(`${admin}/scale/aliases/beta`, 'PUT', { v: 1 }), 400, 'UMBRAL_ERR_INVALID_REQUEST'],
      ['delete aliased version', () => send(`${admin}/scale/versions/1`, 'DELETE'), 409, 'UMBRAL_ERR_VERSION_ALIASED'],
      ['promote without challenger', () => send(`${admin}/scale/promote`, 'POST'), 409, 'UMBRAL_ERR_NOTHING_TO_PROMOTE'],
      ['duplicate model', () => send(admin, 'POST', { name: 'scale' }), 409, 'UMBRAL_ERR_MODEL_EXISTS'],
      ['invalid model name', () => send(admin, 'POST', { name: '../etc' }), 400, 'UMBRAL_ERR_INVALID_NAME'],
      ['unknown model', () => send(`${admin}/nope/promote`, 'POST'), 404, 'UMBRAL_ERR_MODEL_NOT_FOUND'],
    ];
    for (const [what, call, status, code] of cases) {
      const before = await snapshot('scale');
      const response = await call();
      assert.equal(response.status, status, `${what}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.code, code, what);
      assert.deepEqual(await snapshot('scale'), before, `${what} changed the registry`);
    }
  });

  it('reloads a model without a restart and documents the API at /docs', async () => {
    const reload = await send(`${admin}/scale/reload`, 'POST');
    assert.equal(reload.status, 200);
    assert.deepEqual(reload.body.failed, []);
    const docs = await getJson(`${server.url}/docs/json`);
    assert.equal(docs.status, 200);
    const paths = Object.keys(docs.body.paths as object);
    for (const path of ['/admin/models', '/admin/models/{model}/promote', '/admin/models/{model}/history', '/v2/models/{model}/infer']) {
      assert.ok(paths.includes(path), `${path} documented`);
    }
    assert.equal((await fetch(`${server.url}/docs`)).status, 200);
    assert.equal((await postJson(`${server.url}/v2/models/echo/versions/champion/infer`, { inputs: [] })).body.code, 'UMBRAL_ERR_INVALID_REQUEST');
  });
});

describe('admin API: upload limit', () => {
  it('answers 413 for an artifact above registry.maxArtifactBytes, even with its sha256', async () => {
    const server = await startTestServer({ models: {}, overrides: { 'registry.maxArtifactBytes': 100 } });
    try {
      const bytes = scaleModel(1);
      const response = await uploadVersion(server.url, 'big', bytes, { sha256: sha256(bytes) });
      assert.equal(response.status, 413, JSON.stringify(response.body));
      assert.equal(response.body.code, 'UMBRAL_ERR_ARTIFACT_TOO_LARGE');
    } finally {
      await server.shutdown('test over');
    }
  });
});

describe('admin API: loads that fail, loads that race, retention', () => {
  let server: TestServer;
  const dataDir = testTempDir('umbral-data-');
  before(async () => {
    server = await startTestServer({ models: {}, overrides: { 'store.dataDir': dataDir, 'registry.retainVersions': 2 } });
    for (const k of [1, 2, 3, 4]) {
      const response = await uploadVersion(server.url, 'scale', scaleModel(k), k === 1 ? { alias: 'champion' } : {});
      assert.equal(response.status, 201, JSON.stringify(response.body));
    }
  });
  after(() => server.shutdown('test over'));

  it('keeps the newest versions and every aliased one (registry.retainVersions)', async () => {
    const versions = (await getJson(`${server.url}/admin/models/scale/versions`)).body.versions as Array<{ version: number }>;
    // Two kept, the newest (4, 3); version 1 stays too, as the champion points at it; 2 is retired.
    assert.deepEqual(versions.map((v) => v.version), [4, 3, 1]);
    const history = (await getJson(`${server.url}/admin/models/scale/history`)).body.entries as Array<{ action: string }>;
    assert.equal(history.filter((e) => e.action === 'version.retire').length, 1);
  });

  it('loads a version once however many requests ask for it at the same moment', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => inferScale(server.url, '/v2/models/scale/versions/3/infer', 2)));
    assert.ok(answers.every((a) => a.status === 200 && a.y === 6), JSON.stringify(answers[0]));
    const loads = server.logLines().filter((line) => line.msg === 'model version loaded' && line.model === 'scale' && line.version === '3');
    assert.equal(loads.length, 1);
  });

  it('answers 422 with the cause when a version fails to load on an alias move, and keeps serving the old one', async () => {
    const version = (await getJson(`${server.url}/admin/models/scale/versions/4`)).body as { sha256: string };
    const artifact = join(dataDir, 'artifacts', 'sha256', version.sha256.slice(0, 2), version.sha256);
    chmodSync(artifact, 0o644);
    writeFileSync(artifact, 'damaged on disk');
    const before = (await getJson(`${server.url}/admin/models/scale`)).body.aliases;
    const moved = await send(`${server.url}/admin/models/scale/aliases/champion`, 'PUT', { version: 4 });
    assert.equal(moved.status, 422, JSON.stringify(moved.body));
    assert.equal(moved.body.code, 'UMBRAL_ERR_VERSION_LOAD_FAILED');
    assert.match(String(moved.body.error), /version 4 of model 'scale' failed to load/);
    assert.deepEqual((await getJson(`${server.url}/admin/models/scale`)).body.aliases, before);
    assert.deepEqual(await inferScale(server.url, '/v2/models/scale/infer', 5), { status: 200, version: '1', y: 5, error: undefined });
  });
});
