import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_KEY, call, startSecuredServer } from './helpers/access-kit.js';
import { eventually, startHttpReceiver, type HttpReceiver } from './helpers/notification-receivers.js';
import { verifyUmbralWebhook } from './helpers/notifications-kit.js';
import { scaleModel, uploadVersion } from './helpers/scale-model.js';
import { runCli } from './helpers/spawn-cli.js';
import type { TestServer } from './helpers/test-server.js';

const HMAC_KEY = 'server-test-hmac-key-0123456789';
const P = '/admin/notifications';

describe('notifications through the real server\'s admin API', () => {
  let server: TestServer;
  let receiver: HttpReceiver;
  const admin = (method: string, path: string, body?: unknown) => call(server, method, path, { credential: ADMIN_KEY, ...(body === undefined ? {} : { body }) });

  before(async () => {
    receiver = await startHttpReceiver((r, reply) => { reply.writeHead(verifyUmbralWebhook(HMAC_KEY, r.headers, r.body) ? 200 : 401).end(); });
    server = await startSecuredServer({
      models: {},
      overrides: { 'notifications.pollIntervalMs': 200, 'notifications.backoffMinMs': 20, 'notifications.backoffMaxMs': 100 },
    });
  });
  after(async () => {
    await server.shutdown('test over');
    await receiver.stop();
  });

  it('sends registered, promoted and rolled-back events of a model, written with the registry change', async () => {
    const channel = await admin('POST', `${P}/channels`, { name: 'ops-hook', kind: 'webhook', config: { url: `${receiver.url}/hook` }, secret: HMAC_KEY });
    assert.equal(channel.status, 201, JSON.stringify(channel.body));
    assert.equal(channel.body.secret, 'set');
    const rule = await admin('POST', `${P}/rules`, { events: ['version.registered', 'version.promoted', 'version.rolled_back'], model: 'scale', channel: 'ops-hook' });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));

    assert.equal((await uploadVersion(server.url, 'scale', scaleModel(1), { alias: 'champion', credential: ADMIN_KEY })).status, 201);
    assert.equal((await uploadVersion(server.url, 'scale', scaleModel(2), { alias: 'challenger', credential: ADMIN_KEY })).status, 201);
    assert.equal((await admin('POST', '/admin/models/scale/promote')).status, 200);
    assert.equal((await admin('POST', '/admin/models/scale/rollback')).status, 200);

    await eventually(() => receiver.received.length >= 5, 'five events received');
    const events = receiver.received.map((r) => r.json as { type: string; version: string; details: { from?: string | null; actor?: string } });
    assert.deepEqual(events.map((e) => `${e.type} ${e.version}`), [
      'version.registered 1', 'version.promoted 1', 'version.registered 2', 'version.promoted 2', 'version.rolled_back 1',
    ]);
    assert.equal(events[3]?.details.from, '1');
    assert.equal(events[4]?.details.from, '2');
    const delivered = await admin('GET', `${P}/deliveries?channel=ops-hook&status=delivered`);
    assert.equal((delivered.body.deliveries as unknown[]).length, 5);
  });

  it('writes no event for a refused change', async () => {
    assert.equal((await admin('POST', '/admin/models/scale/promote')).status, 409, 'no challenger: nothing to promote');
    const { deliveries } = (await admin('GET', `${P}/deliveries?channel=ops-hook&type=version.promoted`)).body as { deliveries: unknown[] };
    assert.equal(deliveries.length, 2);
  });

  it('sends a test message through the delivery path, and shows the history', async () => {
    const queued = await admin('POST', `${P}/channels/ops-hook/test`);
    assert.equal(queued.status, 202);
    const id = String(queued.body.id);
    await eventually(async () => (await admin('GET', `${P}/deliveries/${id}`)).body.status === 'delivered', 'test delivered');
    assert.equal((receiver.received.at(-1)?.json as { type: string }).type, 'test');
    const dead = await admin('GET', `${P}/deliveries?status=dead`);
    assert.deepEqual(dead.body, { deliveries: [] });
  });

  it('does the same from the CLI, the secret taken from UMBRAL_CHANNEL_SECRET', async () => {
    const env = { UMBRAL_URL: server.url, UMBRAL_API_KEY: ADMIN_KEY };
    const added = await runCli(['notifications', 'channels', 'add', 'cli-hook', '--kind', 'webhook', '--set', `url=${receiver.url}/cli`],
      { ...env, UMBRAL_CHANNEL_SECRET: HMAC_KEY });
    assert.equal(added.code, 0, added.stderr);
    const listed = await runCli(['notifications', 'channels', 'list'], env);
    assert.match(listed.stdout, /cli-hook\s+webhook\s+.*set/);
    assert.ok(!listed.stdout.includes(HMAC_KEY));
    const rule = await runCli(['notifications', 'rules', 'add', '--event', 'drift.alert,breaker.opened', '--channel', 'cli-hook'], env);
    assert.equal(rule.code, 0, rule.stderr);
    const tested = await runCli(['notifications', 'test', 'cli-hook'], env);
    assert.equal(tested.code, 0, tested.stdout + tested.stderr);
    assert.match(tested.stdout, /test\s+cli-hook\s+delivered\s+1/);
    const history = await runCli(['notifications', 'deliveries', '--status', 'dead', '--json'], env);
    assert.deepEqual(JSON.parse(history.stdout), { deliveries: [] });
    const bad = await runCli(['notifications', 'rules', 'add', '--event', 'nope', '--channel', 'cli-hook'], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /'nope' is not an event type.*UMBRAL_ERR_RULE_INVALID/);
    assert.equal((await runCli(['notifications', 'channels', 'remove', 'cli-hook'], env)).code, 0);
  });

  it('answers bad input with a 4xx and its code', async () => {
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', `${P}/channels`, { name: 'x', kind: 'slack', secret: 'ftp://hooks.example.com/x' }, 400, 'UMBRAL_ERR_CHANNEL_INVALID'],
      ['POST', `${P}/channels`, { name: 'x', kind: 'sms', secret: 'x' }, 400, 'UMBRAL_ERR_CHANNEL_INVALID'],
      ['POST', `${P}/channels`, ['not', 'an', 'object'], 400, 'UMBRAL_ERR_CHANNEL_INVALID'],
      ['POST', `${P}/channels`, { name: 'ops-hook', kind: 'webhook', config: { url: 'http://x' }, secret: HMAC_KEY }, 409, 'UMBRAL_ERR_CHANNEL_EXISTS'],
      ['POST', `${P}/rules`, { events: ['version.deployed'], channel: 'ops-hook' }, 400, 'UMBRAL_ERR_RULE_INVALID'],
      ['POST', `${P}/rules`, { events: ['*'], channel: 'missing' }, 404, 'UMBRAL_ERR_CHANNEL_NOT_FOUND'],
      ['GET', `${P}/channels/missing`, undefined, 404, 'UMBRAL_ERR_CHANNEL_NOT_FOUND'],
      ['DELETE', `${P}/rules/123456`, undefined, 404, 'UMBRAL_ERR_RULE_NOT_FOUND'],
      ['GET', `${P}/deliveries?status=lost`, undefined, 400, 'UMBRAL_ERR_INVALID_REQUEST'],
      ['GET', `${P}/deliveries/999999`, undefined, 404, 'UMBRAL_ERR_DELIVERY_NOT_FOUND'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const answer = await admin(method, path, body);
      assert.deepEqual([answer.status, answer.body.code], [status, code], `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`);
    }
  });

  it('lets admin:read read but not change, and shows no secret anywhere', async () => {
    const key = await admin('POST', '/admin/keys', { name: 'reader', scopes: ['admin:read'] });
    const reader = String(key.body.key);
    assert.equal((await call(server, 'GET', `${P}/channels`, { credential: reader })).status, 200);
    assert.equal((await call(server, 'GET', `${P}/rules`, { credential: reader })).status, 200);
    assert.equal((await call(server, 'POST', `${P}/channels/ops-hook/test`, { credential: reader })).status, 403);
    assert.equal((await call(server, 'DELETE', `${P}/channels/ops-hook`, { credential: reader })).status, 403);
    const reads = JSON.stringify([(await admin('GET', `${P}/channels`)).body, (await admin('GET', `${P}/channels/ops-hook`)).body, (await admin('GET', `${P}/deliveries`)).body]);
    assert.ok(!reads.includes(HMAC_KEY));
    assert.ok(!server.logLines().some((line) => JSON.stringify(line).includes(HMAC_KEY)), 'a log line holds the secret');
    assert.equal((await admin('DELETE', `${P}/channels/ops-hook`)).status, 204);
    assert.deepEqual((await admin('GET', `${P}/rules`)).body, { rules: [] }, 'its rules went with it');
  });
});
