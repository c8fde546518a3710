import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { loadConfig } from '../src/config/load-config.js';
import { eventually, startHttpReceiver, type HttpReceiver } from './helpers/notification-receivers.js';
import { uploadVersion } from './helpers/scale-model.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { testTempDir } from './helpers/temp-dir.js';
import { TWO_CLASS_MANIFEST, twoClassModel } from './helpers/two-class-model.js';

const { databaseUrl } = loadConfig().store;
const skip = databaseUrl ? false : 'DATABASE_URL is not set: the test of one rollout across two replicas on PostgreSQL is skipped';
const MODEL = 'scorer';
const INPUT = { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: [1] }] };

/** A rollout as the admin API answers it. */
interface RolloutBody { id: string; status: string; step: number; steps: number; share: number; champion: number; challenger: number; reason: string }

/** The parts of the admin API's answers these tests read. */
interface Body extends Partial<RolloutBody> {
  code?: string; error?: string; version?: number; aliases?: Record<string, number>; entries?: Array<{ action: string }>; rollouts?: RolloutBody[];
  policy?: { traffic?: { split: Array<{ variant: string; target: number; weight: number }> } };
}

async function send(server: { url: string }, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Body };
}

/**
 * Two replicas on one PostgreSQL, both ticking every 100 ms and both taking client requests: the
 * rollout steps through its plan once (one canary.step per step, not one per replica), its guards
 * count both replicas' requests (the prediction log), and every replica follows the split.
 */
describe('one canary rollout across two replicas (PostgreSQL)', { skip }, () => {
  const schema = `umbral_test_${randomBytes(6).toString('hex')}`;
  const replicas: TestServer[] = [];
  let receiver: HttpReceiver;

  before(async () => {
    receiver = await startHttpReceiver();
    const overrides = {
      'store.databaseUrl': databaseUrl, 'store.databaseSchema': schema, 'store.artifactsDir': testTempDir('umbral-canary-artifacts-'),
      'rollouts.tickMs': 100, 'notifications.pollIntervalMs': 100, 'notifications.backoffMinMs': 50,
      // Both replicas read the channel's sealed secret: one key for both.
      'notifications.secretKey': randomBytes(32).toString('base64'),
    };
    replicas.push(await startTestServer({ models: {}, overrides }));
    replicas.push(await startTestServer({ models: {}, overrides }));
  });
  after(async () => {
    for (const replica of replicas) await replica.shutdown('test done');
    await receiver?.stop();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it('steps through the plan once and promotes, with both replicas serving', async () => {
    const [a, b] = replicas as [TestServer, TestServer];
    assert.equal((await send(a, 'POST', '/admin/notifications/channels', {
      name: 'hook', kind: 'webhook', config: { url: `${receiver.url}/events` }, secret: 'canary-test-hmac-key-0123456789',
    })).status, 201);
    assert.equal((await send(a, 'POST', '/admin/notifications/rules', { events: ['canary.step'], channel: 'hook' })).status, 201);
    assert.equal((await send(a, 'POST', '/admin/models', { name: MODEL })).status, 201);
    assert.equal((await uploadVersion(a.url, MODEL, twoClassModel([1, -1]), { manifest: TWO_CLASS_MANIFEST, alias: 'champion' })).status, 201);
    const challenger = (await uploadVersion(a.url, MODEL, twoClassModel([1, -1], { tag: 'retrained' }), { manifest: TWO_CLASS_MANIFEST, alias: 'challenger' })).body.version;
    assert.equal((await send(a, 'PUT', `/admin/models/${MODEL}/policy`, { prediction_log: { sample_rate: 1 } })).status, 200);

    let running = true;
    const statuses: number[] = [];
    const load = [a, b, a, b].map(async (server) => {
      while (running) {
        const response = await fetch(`${server.url}/v2/models/${MODEL}/infer`, { method: 'POST', body: JSON.stringify(INPUT), headers: { 'content-type': 'application/json' } });
        await response.arrayBuffer();
        statuses.push(response.status);
      }
    });
    const started = await send(b, 'POST', `/admin/models/${MODEL}/rollouts`, {
      steps: [{ share: 20, duration: '400ms' }, { share: 60, duration: '400ms' }, { share: 100 }], guards: { max_error_rate: 0.05, min_requests: 5 },
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const twice = await send(a, 'POST', `/admin/models/${MODEL}/rollouts`, { steps: [{ share: 100 }] });
    assert.deepEqual([twice.status, twice.body.code], [409, 'UMBRAL_ERR_ROLLOUT_RUNNING']);
    await eventually(async () => (await send(a, 'GET', `/admin/models/${MODEL}/rollouts/current`)).status === 404, 'the rollout to end', 30_000);
    running = false;
    await Promise.all(load);
    const [rollout] = (await send(a, 'GET', `/admin/models/${MODEL}/rollouts`)).body.rollouts ?? [];
    assert.equal(rollout?.status, 'promoted', JSON.stringify(rollout));
    assert.ok(statuses.length > 0 && statuses.every((status) => status === 200), 'every client request answered 200');
    for (const server of [a, b]) {
      await eventually(async () => (await send(server, 'GET', `/admin/models/${MODEL}`)).body.aliases?.champion === challenger, 'each replica serves the new champion');
    }
    await eventually(() => receiver.received.length >= 3, 'three canary.step notifications');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const shares = receiver.received.map((r) => (r.json as { details?: { share?: number } }).details?.share);
    assert.deepEqual(shares, [20, 60, 100], 'each step announced once, by one replica');
  });
});
