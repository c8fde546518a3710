import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config/load-config.js';
import { ADMIN_KEY, JWT_SECRET, call, createKey, createUser } from './helpers/access-kit.js';
import { startKserveUpstream, type KserveUpstream } from './support/fault-upstream/index.js';
import { addSubRequest, kserveModel } from './helpers/remote-kit.js';
import { scaleModel, uploadVersion } from './helpers/scale-model.js';
import { stopReplicas, within } from './helpers/replica-kit.js';
import { serveCli } from './helpers/spawn-cli.js';
import { testTempDir } from './helpers/temp-dir.js';

const { store: { databaseUrl }, redis: { url: redisUrl } } = loadConfig();
const skip = !databaseUrl ? 'DATABASE_URL is not set: the two-replica access test needs a PostgreSQL server'
  : !redisUrl ? 'REDIS_URL is not set: the two-replica access test needs a Redis server' : false;
const X = { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: [2] }] };

/**
 * A model repository with `cached`: y = 3·x, its answers cached for a minute (model.yaml `cache`),
 * and `remote`, served by the KServe server at `upstream`.
 */
function modelRepository(upstream: string): string {
  const dir = testTempDir('umbral-cached-models-');
  mkdirSync(join(dir, 'cached/1'), { recursive: true });
  writeFileSync(join(dir, 'cached/1/model.onnx'), scaleModel(3));
  writeFileSync(join(dir, 'cached/model.yaml'), 'max_batch_size: 8\ncache:\n  ttl_seconds: 60\n');
  mkdirSync(join(dir, 'remote'));
  writeFileSync(join(dir, 'remote/model.yaml'), kserveModel([upstream], { resilience: { health_check_interval_ms: 0 } })['model.yaml']);
  return dir;
}

/**
 * Two umbral processes on one PostgreSQL and one Redis behave as one server: one cache, one rate
 * limit, one registry and one set of credentials, every change seen by the other within a second.
 */
describe('two umbral processes on one PostgreSQL and one Redis', { skip }, () => {
  const schema = `umbral_test_${randomBytes(4).toString('hex')}`;
  const replicas: Array<Awaited<ReturnType<typeof serveCli>>> = [];
  const upstreams: KserveUpstream[] = [];
  before(async () => {
    upstreams.push(...await Promise.all([startKserveUpstream(), startKserveUpstream()]));
    const env = {
      DATABASE_URL: databaseUrl, UMBRAL_DATABASE_SCHEMA: schema, REDIS_URL: redisUrl, UMBRAL_REDIS_PREFIX: `${schema}:`,
      UMBRAL_ARTIFACTS_DIR: testTempDir('umbral-shared-artifacts-'),
      UMBRAL_MODELS_DIR: modelRepository((upstreams[0] as KserveUpstream).httpUrl), UMBRAL_ONNX_WORKERS: '1',
      UMBRAL_REGISTRY_RESYNC_MS: '600000', UMBRAL_AUTH: 'on', UMBRAL_ADMIN_KEY: ADMIN_KEY, UMBRAL_JWT_SECRET: JWT_SECRET,
    };
    replicas.push(await serveCli([], { ...env, UMBRAL_DATA_DIR: testTempDir('umbral-a-') }));
    replicas.push(await serveCli([], { ...env, UMBRAL_DATA_DIR: testTempDir('umbral-b-') }));
    const [a, b] = replicas as [typeof replicas[0], typeof replicas[0]];
    assert.equal((await uploadVersion(a.url, 'scale', scaleModel(1), { alias: 'champion', credential: ADMIN_KEY })).status, 201);
    await within(2000, async () => (await call(b, 'GET', '/v2/models/scale/ready', { credential: ADMIN_KEY })).status === 200);
  });
  after(async () => {
    await stopReplicas(replicas, databaseUrl, schema);
    await Promise.all(upstreams.map((upstream) => upstream.close()));
  });

  it('applies on B, within one second, a server list changed at run time on A', async () => {
    const [a, b] = replicas as [typeof replicas[0], typeof replicas[0]];
    const next = (upstreams[1] as KserveUpstream).httpUrl;
    const serversOn = async (replica: typeof a) => {
      const answer = await call(replica, 'GET', '/admin/models/remote/servers', { credential: ADMIN_KEY });
      return (answer.body.upstreams as Array<{ servers: Array<{ url: string }> }>)[0]?.servers.map((s) => s.url);
    };
    assert.deepEqual(await serversOn(b), [(upstreams[0] as KserveUpstream).httpUrl]);
    const changed = await call(a, 'PUT', '/admin/models/remote/servers', { credential: ADMIN_KEY, body: { servers: [next] } });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    const seen = await within(1000, async () => JSON.stringify(await serversOn(b)) === JSON.stringify([next]));
    assert.ok(seen < 1000, `B took the new list after ${seen.toFixed(0)} ms`);
    const before = (upstreams[1] as KserveUpstream).counts.byRoute.infer;
    assert.equal((await call(b, 'POST', '/v2/models/remote/infer', { credential: ADMIN_KEY, body: addSubRequest(1) })).status, 200);
    assert.equal((upstreams[1] as KserveUpstream).counts.byRoute.infer - before, 1, 'B sends to the new server');
    // The list is the model's policy now: it lasts past a reload of the model.
    assert.equal((await call(b, 'POST', '/admin/models/remote/reload', { credential: ADMIN_KEY })).status, 200);
    assert.deepEqual(await serversOn(b), [next]);
  });

  it('serves on B, within one second, a policy put on A, and B\'s history names who changed what', async () => {
    const [a, b] = replicas as [typeof replicas[0], typeof replicas[0]];
    const operator = await createUser(a, 'policy-operator', 'operator');
    const infer = () => call(b, 'POST', '/v2/models/scale/infer', { credential: ADMIN_KEY, body: X });
    assert.equal((await infer()).status, 200);
    const put = await call(a, 'PUT', '/admin/models/scale/policy', { credential: operator.accessToken, body: { rate_limit: { requests_per_second: 1 } } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    // Served by B: a second request in the same second is refused there.
    const seen = await within(1000, async () => (await infer()).status === 429 || (await infer()).status === 429);
    assert.ok(seen < 1000, `B applied the policy after ${seen.toFixed(0)} ms`);
    const history = await call(b, 'GET', '/admin/models/scale/policy/history', { credential: ADMIN_KEY });
    const [latest] = history.body.revisions as Array<{ actor: string; changes: unknown }>;
    assert.equal(latest?.actor, 'user:policy-operator');
    assert.deepEqual(latest?.changes, [{ path: 'rate_limit', from: null, to: { requests_per_second: 1 } }]);
    assert.equal((await call(a, 'PUT', '/admin/models/scale/policy', { credential: ADMIN_KEY, body: {} })).status, 200);
  });

  it('shares one response cache: a miss on A is a hit on B, and a clear on A clears B', async () => {
    const [a, b] = replicas as [typeof replicas[0], typeof replicas[0]];
    const body = { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: [7] }] };
    const onA = await call(a, 'POST', '/v2/models/cached/infer', { credential: ADMIN_KEY, body });
    assert.equal(onA.status, 200, JSON.stringify(onA.body));
    assert.equal(onA.headers.get('x-umbral-cache'), 'miss');
    const onB = await call(b, 'POST', '/v2/models/cached/infer', { credential: ADMIN_KEY, body });
    assert.equal(onB.headers.get('x-umbral-cache'), 'hit');
    assert.deepEqual(onB.body.outputs, onA.body.outputs);
    assert.equal((await call(a, 'POST', '/admin/cache/clear', { credential: ADMIN_KEY, body: { model: 'cached' } })).status, 200);
    assert.equal((await call(b, 'POST', '/v2/models/cached/infer', { credential: ADMIN_KEY, body })).headers.get('x-umbral-cache'), 'miss');
  });

  it('serves on B, within one second, a promotion made on A, never the old version\'s cached answer', async () => {
    const [a, b] = replicas as [typeof replicas[0], typeof replicas[0]];
    const y = async () => {
      const answer = await call(b, 'POST', '/v2/models/cached/infer', { credential: ADMIN_KEY, body: X });
      return { version: answer.body.model_version, y: (answer.body.outputs as Array<{ data: number[] }>)[0]?.data[0] };
    };
    assert.deepEqual(await y(), { version: '1', y: 6 });
    assert.equal((await uploadVersion(a.url, 'cached', scaleModel(5), { alias: 'challenger', credential: ADMIN_KEY })).status, 201);
    await within(2000, async () => (await call(b, 'GET', '/v2/models/cached/versions/2/ready', { credential: ADMIN_KEY })).status === 200);
    assert.equal((await call(a, 'POST', '/admin/models/cached/promote', { credential: ADMIN_KEY })).status, 200);
    const seen = await within(1000, async () => (await y()).version === '2');
    assert.ok(seen < 1000, `B served the promotion after ${seen.toFixed(0)} ms`);
    assert.deepEqual(await y(), { version: '2', y: 10 });
  });

  it('enforces one global rate limit, not one per replica', async () => {
    const [a, b] = replicas as [typeof replicas[0], typeof replicas[0]];
    const { key } = await createKey(a, { scopes: ['infer'], limits: { requestsPerMinute: 6 } });
    // /auth/me is not rate-limited: waiting for B to know the key spends none of its budget.
    await within(1000, async () => (await call(b, 'GET', '/auth/me', { credential: key })).status === 200);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) statuses.push((await call(i % 2 === 0 ? a : b, 'POST', '/v2/models/scale/infer', { credential: key, body: X })).status);
    assert.equal(statuses.filter((s) => s === 200).length, 6, `statuses: ${statuses.join(' ')}`);
    assert.equal(statuses.filter((s) => s === 429).length, 6);
  });

  it('refuses on B, within one second, a key revoked through A', async () => {
    const [a, b] = replicas as [typeof replicas[0], typeof replicas[0]];
    const { key, id } = await createKey(a, { scopes: ['infer'] });
    await within(1000, async () => (await call(b, 'GET', '/v2/models/scale', { credential: key })).status === 200);
    assert.equal((await call(a, 'DELETE', `/admin/keys/${id}`, { credential: ADMIN_KEY })).status, 204);
    const seen = await within(1000, async () => (await call(b, 'GET', '/v2/models/scale', { credential: key })).status === 401);
    assert.ok(seen < 1000, `B refused the revoked key after ${seen.toFixed(0)} ms`);
  });

  it('accepts on B a login made on A, and applies a disable made on A', async () => {
    const [a, b] = replicas as [typeof replicas[0], typeof replicas[0]];
    const { accessToken } = await createUser(a, 'roamer', 'client');
    await within(1000, async () => (await call(b, 'GET', '/auth/me', { credential: accessToken })).status === 200);
    assert.equal((await call(a, 'POST', '/admin/users/roamer/disable', { credential: ADMIN_KEY })).status, 200);
    await within(1000, async () => (await call(b, 'GET', '/auth/me', { credential: accessToken })).status === 401);
  });
});
