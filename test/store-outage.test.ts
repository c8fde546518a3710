import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { loadConfig } from '../src/config/load-config.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';
import { getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';
import { until } from './helpers/until.js';

const databaseUrl = loadConfig().store.databaseUrl;
const skip = databaseUrl ? false : 'DATABASE_URL is not set: the database-outage test needs a PostgreSQL server';

const SPAM = { inputs: [{ name: 'text', datatype: 'BYTES', shape: [1], data: ['cheap meds online'] }] };

/** Resolves once `condition` holds, checking every 20 ms. */
describe('a frozen database', { skip, timeout: 60_000 }, () => {
  const schema = `umbral_test_${randomBytes(4).toString('hex')}`;
  let proxy: TcpProxy;
  let server: TestServer;
  before(async () => {
    const target = new URL(databaseUrl);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const viaProxy = new URL(databaseUrl);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    server = await startTestServer({
      overrides: {
        'store.databaseUrl': viaProxy.toString(), 'store.databaseSchema': schema,
        'store.statementTimeoutMs': 500, 'store.healthCheckIntervalMs': 100,
      },
    });
  });
  after(async () => {
    proxy?.thaw();
    await server?.shutdown('test over');
    await proxy?.close();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  const storeUp = async () => {
    const ready = await getJson(`${server.url}/health/ready`);
    return (ready.body.store as { up: boolean }).up;
  };

  it('fails admin calls with 503 instead of hanging them, keeps inference and readiness, and shows the outage', async () => {
    assert.equal(await storeUp(), true);
    proxy.freeze();
    const started = performance.now();
    const admin = await getJson(`${server.url}/admin/models/spam-classifier/versions`);
    assert.equal(admin.status, 503, admin.text);
    assert.equal(admin.body.code, 'UMBRAL_ERR_STORE_UNAVAILABLE');
    // Bounded by the statement timeout (a pooled connection) or the pool's connect timeout (a new one), never by the outage.
    const tookMs = performance.now() - started;
    assert.ok(tookMs < 10_000, `the admin call took ${tookMs} ms`);
    await until(async () => !(await storeUp()), 20);
    const ready = await getJson(`${server.url}/health/ready`);
    assert.equal(ready.status, 200, 'the data plane does not wait for the database: the replica stays ready');
    assert.match(String((ready.body.store as { error?: string }).error), /./);
    assert.match((await getJson(`${server.url}/metrics`)).text, /^umbral_store_up 0$/m);
    assert.equal((await postJson(`${server.url}/v2/models/spam-classifier/infer`, SPAM)).status, 200);
    proxy.thaw();
    await until(storeUp, 20);
    assert.match((await getJson(`${server.url}/metrics`)).text, /^umbral_store_up 1$/m);
    assert.equal((await getJson(`${server.url}/admin/models/spam-classifier/versions`)).status, 200);
    const lines = server.logLines().map((line) => String(line.msg));
    assert.equal(lines.filter((m) => m.startsWith('the database does not answer')).length, 1);
    assert.equal(lines.filter((m) => m.startsWith('the database answers again')).length, 1);
  });
});
