import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config/load-config.js';
import type { Notifications } from '../src/mlops/notifications/open-notifications.js';
import { SqlRegistry } from '../src/registry/sql-registry.js';
import type { Database } from '../src/store/database.js';
import { openDatabase } from '../src/store/open-database.js';
import { eventually, startHttpReceiver, type HttpReceiver } from './helpers/notification-receivers.js';
import { openTestNotifications } from './helpers/notifications-kit.js';
import { testTempDir } from './helpers/temp-dir.js';
import { artifact, MANIFEST } from './support/registry/registry-test-kit.js';

const { databaseUrl } = loadConfig().store;
const skip = databaseUrl ? false : 'DATABASE_URL is not set: the PostgreSQL notification tests (trigger, two dispatchers) need a server';
const SHARED_KEY = 'a-shared-notifications-key-0123456789abcdef';
const HMAC_KEY = 'postgres-test-hmac-key-0123456789';

describe('notifications on PostgreSQL', { skip }, () => {
  const schema = `umbral_test_${randomBytes(6).toString('hex')}`;
  const open = () => openDatabase({ dataDir: testTempDir('umbral-notify-pg-'), databaseUrl, schema });
  let a: Database;
  let b: Database;
  let na: Notifications;
  let nb: Notifications;
  let receiver: HttpReceiver;
  let answered = 0;

  before(async () => {
    a = await open();
    b = await open();
    ({ notifications: na } = await openTestNotifications(a, { 'notifications.secretKey': SHARED_KEY }));
    ({ notifications: nb } = await openTestNotifications(b, { 'notifications.secretKey': SHARED_KEY }));
    // Every third request fails once, so that retries are claimed by whichever dispatcher is first.
    receiver = await startHttpReceiver((_r, reply) => {
      answered += 1;
      const status = answered % 3 === 0 ? 503 : 200;
      setTimeout(() => reply.writeHead(status).end(), 5);
    });
  });
  after(async () => {
    await na?.close();
    await nb?.close();
    await a?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await a?.close();
    await b?.close();
    await receiver?.stop();
  });

  it('writes registry events in the change\'s transaction, and none for a change rolled back', async () => {
    const registry = new SqlRegistry(a);
    const v1 = await registry.addVersion('pg-model', { ...artifact(1), manifest: MANIFEST }, 'alice');
    await registry.addVersion('pg-model', { ...artifact(2), manifest: MANIFEST }, 'alice');
    await registry.setAlias('pg-model', 'champion', v1.version, 'alice');
    await registry.setAlias('pg-model', 'challenger', 2, 'alice');
    await registry.promote('pg-model', 'bob');
    await registry.rollback('pg-model', 'carol');
    await assert.rejects(registry.promote('pg-model', 'bob'));
    const rows = await a.query<{ type: string; version: string; summary: string }>(
      "SELECT type, version, summary FROM umbral_events WHERE model = 'pg-model' ORDER BY id");
    assert.deepEqual(rows.map((r) => `${r.type} ${r.version}`), [
      'version.registered 1', 'version.registered 2', 'version.promoted 1', 'version.promoted 2', 'version.rolled_back 1',
    ]);
    assert.equal(rows[3]?.summary, 'pg-model version 2 promoted to champion by bob (was version 1)');
  });

  it('delivers each event once per channel with two dispatchers on one database', async () => {
    await na.admin.addChannel({ name: 'shared-hook', kind: 'webhook', config: { url: receiver.url }, secret: HMAC_KEY }, 't');
    await nb.admin.addRule({ events: ['drift.alert'], channel: 'shared-hook' }, 't');
    for (let i = 0; i < 30; i++) (i % 2 === 0 ? na : nb).sink.emit({ type: 'drift.alert', model: 'm', summary: `drift ${i}` });
    await eventually(async () => (await na.admin.deliveries({ status: 'delivered', channel: 'shared-hook' })).length === 30, 'all 30 delivered', 30_000);
    const accepted = new Map<string, number>();
    receiver.received.forEach((request, i) => {
      if ((i + 1) % 3 === 0) return;
      const key = String(request.headers['idempotency-key']);
      accepted.set(key, (accepted.get(key) ?? 0) + 1);
    });
    assert.equal(accepted.size, 30);
    assert.deepEqual([...new Set(accepted.values())], [1], 'no event accepted twice');
  });
});
