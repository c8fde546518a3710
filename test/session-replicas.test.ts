import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config/load-config.js';
import { ADMIN_KEY, JWT_SECRET, call, createUser, login } from './helpers/access-kit.js';
import { stopReplicas, within } from './helpers/replica-kit.js';
import { serveCli } from './helpers/spawn-cli.js';
import { testTempDir } from './helpers/temp-dir.js';

const { databaseUrl } = loadConfig().store;
const skip = databaseUrl ? false : 'DATABASE_URL is not set: the two-replica session test needs a PostgreSQL server';

/**
 * Two umbral processes on one PostgreSQL: a session ended on one is refused on the other within a
 * second, by notification alone (the periodic resync is set far beyond the test).
 */
describe('revoked sessions across two replicas on one PostgreSQL', { skip }, () => {
  const schema = `umbral_test_${randomBytes(4).toString('hex')}`;
  const replicas: Array<Awaited<ReturnType<typeof serveCli>>> = [];
  before(async () => {
    const env = {
      DATABASE_URL: databaseUrl, UMBRAL_DATABASE_SCHEMA: schema, UMBRAL_MODELS_DIR: testTempDir('umbral-empty-models-'),
      UMBRAL_REGISTRY_RESYNC_MS: '600000', UMBRAL_AUTH: 'on', UMBRAL_ADMIN_KEY: ADMIN_KEY, UMBRAL_JWT_SECRET: JWT_SECRET,
    };
    // The first migrates the schema; the second starts against it.
    replicas.push(await serveCli([], { ...env, UMBRAL_DATA_DIR: testTempDir('umbral-a-') }));
    replicas.push(await serveCli([], { ...env, UMBRAL_DATA_DIR: testTempDir('umbral-b-') }));
  });
  after(() => stopReplicas(replicas, databaseUrl, schema));

  const pair = () => replicas as [typeof replicas[0], typeof replicas[0]];
  const refusedAsRevoked = async (replica: typeof replicas[0], accessToken: string) => {
    const answer = await call(replica, 'GET', '/auth/me', { credential: accessToken });
    return answer.status === 401 && /the session was logged out or revoked/.test(String(answer.body.error));
  };

  it('refuses on B, within one second, an access token whose session was logged out on A', async () => {
    const [a, b] = pair();
    const { accessToken } = await createUser(a, 'roamer', 'client');
    await within(1000, async () => (await call(b, 'GET', '/auth/me', { credential: accessToken })).status === 200);
    assert.equal((await call(a, 'POST', '/auth/logout', { credential: accessToken })).status, 204);
    const seen = await within(1000, () => refusedAsRevoked(b, accessToken));
    assert.ok(seen < 1000, `B refused the logged-out token after ${seen.toFixed(0)} ms`);
  });

  it('refuses on A, within one second, the access tokens of a family revoked for reuse on B', async () => {
    const [a, b] = pair();
    const stolen = await login(a, 'roamer');
    const legit = await call(a, 'POST', '/auth/refresh', { body: { refreshToken: stolen.refreshToken } });
    assert.equal(legit.status, 200);
    const accessToken = legit.body.accessToken as string;
    await within(1000, async () => (await call(b, 'GET', '/auth/me', { credential: accessToken })).status === 200);
    assert.equal((await call(b, 'POST', '/auth/refresh', { body: { refreshToken: stolen.refreshToken } })).status, 401);
    const seen = await within(1000, () => refusedAsRevoked(a, accessToken));
    assert.ok(seen < 1000, `A refused the revoked family's token after ${seen.toFixed(0)} ms`);
  });
});
