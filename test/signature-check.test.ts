import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ADMIN_KEY, call, createKey, startSecuredServer } from './helpers/access-kit.js';
import { inferScale, scaleModel, uploadVersion } from './helpers/scale-model.js';
import { ECHO_MODEL_DIR, type TestServer } from './helpers/test-server.js';

/** The echo fixture: seven inputs, none of them `x`: another model's shape. */
const OTHER_SHAPE = readFileSync(join(ECHO_MODEL_DIR, '1', 'model.onnx'));

describe('signature check on promote and alias', () => {
  let server: TestServer;
  let operator: string;
  const registry = async () => {
    const model = await call(server, 'GET', '/admin/models/scale', { credential: ADMIN_KEY });
    const history = await call(server, 'GET', '/admin/models/scale/history?limit=1000', { credential: ADMIN_KEY });
    return { aliases: model.body.aliases, entries: (history.body.entries as unknown[]).length };
  };

  before(async () => {
    server = await startSecuredServer({ models: {} });
    operator = (await createKey(server, { name: 'operator', scopes: ['infer', 'admin:read', 'admin:write'] })).key;
    assert.equal((await call(server, 'POST', '/admin/models', { credential: ADMIN_KEY, body: { name: 'scale' } })).status, 201);
    assert.equal((await uploadVersion(server.url, 'scale', scaleModel(1), { alias: 'champion', credential: ADMIN_KEY })).status, 201);
    assert.equal((await uploadVersion(server.url, 'scale', OTHER_SHAPE, { alias: 'challenger', credential: ADMIN_KEY })).status, 201);
    assert.equal((await uploadVersion(server.url, 'scale', scaleModel(2), { credential: ADMIN_KEY })).status, 201);
  });
  after(() => server.shutdown('test over'));

  it('refuses to promote a challenger of another shape with 409 naming each difference, registry unchanged', async () => {
    const unchanged = await registry();
    const refused = await call(server, 'POST', '/admin/models/scale/promote', { credential: operator });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.code, 'UMBRAL_ERR_SIGNATURE_MISMATCH');
    assert.match(refused.body.error as string, /version 2 of model 'scale' cannot become 'champion': its signature differs from version 1/);
    assert.match(refused.body.error as string, /input 'x' is missing/);
    assert.match(refused.body.error as string, /output 'y' is missing/);
    assert.match(refused.body.error as string, /input '[a-z_]+' is new/);
    assert.deepEqual(await registry(), unchanged);
    assert.equal((await call(server, 'PUT', '/admin/models/scale/aliases/champion', { credential: operator, body: { version: 2 } })).status, 409);
    assert.deepEqual(await registry(), unchanged);
  });

  it('lets a version of the same signature become champion, and other aliases point anywhere', async () => {
    assert.equal((await call(server, 'PUT', '/admin/models/scale/aliases/staging', { credential: operator, body: { version: 2 } })).status, 200);
    const moved = await call(server, 'PUT', '/admin/models/scale/aliases/champion', { credential: operator, body: { version: 3 } });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal((await inferScale(server.url, '/v2/models/scale/infer', 2)).status, 401);
  });

  it('refuses a non-admin who forces (403) and an admin without a reason (400)', async () => {
    const unchanged = await registry();
    const operatorForce = await call(server, 'POST', '/admin/models/scale/promote', { credential: operator, body: { force: true, reason: 'trust me' } });
    assert.equal(operatorForce.status, 403);
    assert.equal(operatorForce.body.code, 'UMBRAL_ERR_FORBIDDEN');
    assert.equal((await call(server, 'PUT', '/admin/models/scale/aliases/champion', { credential: operator, body: { version: 2, force: true, reason: 'x' } })).status, 403);
    const noReason = await call(server, 'POST', '/admin/models/scale/promote', { credential: ADMIN_KEY, body: { force: true } });
    assert.equal(noReason.status, 400);
    assert.match(noReason.body.error as string, /reason: forcing needs a reason/);
    assert.equal((await call(server, 'POST', '/admin/models/scale/promote', { credential: ADMIN_KEY, body: { force: true, reason: '   ' } })).status, 400);
    assert.deepEqual(await registry(), unchanged);
  });

  it('lets an admin force it with a reason, recorded in the audit log with the differences', async () => {
    const forced = await call(server, 'POST', '/admin/models/scale/promote', { credential: ADMIN_KEY, body: { force: true, reason: 'new input schema, clients updated' } });
    assert.equal(forced.status, 200, JSON.stringify(forced.body));
    assert.deepEqual(forced.body.aliases, { champion: 2, previous: 3, staging: 2 });
    const history = await call(server, 'GET', '/admin/models/scale/history?limit=5', { credential: ADMIN_KEY });
    const entry = (history.body.entries as Array<{ action: string; subject: string; detail?: { forced: { reason: string; differences: string[]; serving: number } } }>)
      .find((e) => e.action === 'promote' && e.subject === 'champion');
    assert.equal(entry?.detail?.forced.reason, 'new input schema, clients updated');
    assert.equal(entry?.detail?.forced.serving, 3);
    assert.ok(entry?.detail?.forced.differences.includes("input 'x' is missing"), JSON.stringify(entry));
  });
});
