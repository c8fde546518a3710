import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isUmbralError } from '../src/errors/umbral-error.js';
import type { Notifications } from '../src/mlops/notifications/open-notifications.js';
import type { Database } from '../src/store/database.js';
import { openDatabase } from '../src/store/open-database.js';
import { nextDueMs } from '../src/mlops/notifications/delivery-queue.js';
import { eventually, startHttpReceiver, startSmtpReceiver, type HttpReceiver } from './helpers/notification-receivers.js';
import { openTestNotifications, verifyUmbralWebhook } from './helpers/notifications-kit.js';
import { testTempDir } from './helpers/temp-dir.js';

const SLACK_PATH = '/services/T000/B000/slack-secret-path-XYZ';
const DISCORD_PATH = '/api/webhooks/123/discord-secret-token-ABC';
const TELEGRAM_TOKEN = '123456:telegram-secret-token-0123456789';
const HMAC_KEY = 'webhook-hmac-secret-0123456789';
const SECRETS = [SLACK_PATH, DISCORD_PATH, TELEGRAM_TOKEN, HMAC_KEY, 'secret-password'];

async function refused(promise: Promise<unknown>, status: number, code: string): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isUmbralError(error), String(error));
    assert.equal(error.status, status);
    assert.equal(error.code, code);
    return error.message;
  }
  return assert.fail('not refused');
}

describe('notification delivery to real local receivers (PGlite)', () => {
  let db: Database;
  let notifications: Notifications;
  let logLines: string[];
  const receivers: HttpReceiver[] = [];
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let slack: HttpReceiver;
  let discord: HttpReceiver;
  let telegram: HttpReceiver;
  let webhook: HttpReceiver;

  before(async () => {
    db = await openDatabase({ dataDir: testTempDir('umbral-notify-'), databaseUrl: '' });
    ({ notifications, logLines } = await openTestNotifications(db));
    slack = await startHttpReceiver((r, reply) => {
      const body = r.json as { text?: unknown; blocks?: Array<{ type?: unknown }> };
      const good = r.path === SLACK_PATH && typeof body?.text === 'string' && Array.isArray(body.blocks) && body.blocks.every((b) => typeof b.type === 'string');
      reply.writeHead(good ? 200 : 400).end(good ? 'ok' : 'invalid_payload');
    });
    discord = await startHttpReceiver((r, reply) => {
      const body = r.json as { content?: unknown; embeds?: Array<{ title?: unknown }>; allowed_mentions?: unknown };
      const good = r.path === DISCORD_PATH && typeof body?.content === 'string' && (body.content as string).length <= 2000
        && Array.isArray(body.embeds) && typeof body.embeds[0]?.title === 'string';
      reply.writeHead(good ? 204 : 400).end();
    });
    telegram = await startHttpReceiver((r, reply) => {
      const body = r.json as { chat_id?: unknown; text?: unknown };
      const good = r.path === `/bot${TELEGRAM_TOKEN}/sendMessage` && body?.chat_id === -100123 && typeof body.text === 'string';
      reply.writeHead(good ? 200 : 400, { 'content-type': 'application/json' })
        .end(JSON.stringify(good ? { ok: true, result: { message_id: 1 } } : { ok: false, error_code: 400, description: 'Bad Request' }));
    });
    webhook = await startHttpReceiver((r, reply) => {
      reply.writeHead(verifyUmbralWebhook(HMAC_KEY, r.headers, r.body) ? 200 : 401).end();
    });
    receivers.push(slack, discord, telegram, webhook);
    smtp = await startSmtpReceiver();
  });
  after(async () => {
    await notifications.close();
    await db.close();
    for (const receiver of receivers) await receiver.stop();
    await smtp.close();
  });

  it('with no delivery pending, nothing is due: the dispatcher waits its poll interval instead of going round', async () => {
    // Before this was checked, GREATEST(0, NULL) read as "due now" and an idle server ran three queries every 10 ms.
    await db.query(`UPDATE umbral_notification_deliveries SET status = 'delivered' WHERE status = 'pending'`);
    assert.equal(await nextDueMs(db), undefined);
  });

  it('delivers one event to Slack, Discord, Telegram, email and a signed webhook, each in its API\'s shape', async () => {
    const { admin } = notifications;
    await admin.addChannel({ name: 'slack', kind: 'slack', secret: `${slack.url}${SLACK_PATH}` }, 'tester');
    await admin.addChannel({ name: 'discord', kind: 'discord', secret: `${discord.url}${DISCORD_PATH}` }, 'tester');
    await admin.addChannel({ name: 'telegram', kind: 'telegram', config: { chat_id: -100123, api_url: telegram.url }, secret: TELEGRAM_TOKEN }, 'tester');
    await admin.addChannel({
      name: 'mail', kind: 'email', secret: 'secret-password',
      config: { host: '127.0.0.1', port: smtp.port, security: 'none', user: 'umbral', from: 'umbral@example.com', to: ['oncall@example.com'] },
    }, 'tester');
    await admin.addChannel({ name: 'hook', kind: 'webhook', config: { url: `${webhook.url}/umbral` }, secret: HMAC_KEY }, 'tester');
    for (const channel of ['slack', 'discord', 'telegram', 'mail', 'hook']) await admin.addRule({ events: ['drift.alert'], channel }, 'tester');

    notifications.sink.emit({ type: 'drift.alert', model: 'ticket-classifier', version: '4', summary: 'ticket-classifier 4: PSI 0.31 on length', details: { psi: 0.31 } });
    await eventually(async () => (await admin.deliveries({ status: 'delivered' })).length === 5, 'all five delivered');

    for (const receiver of [slack, discord, telegram, webhook]) assert.equal(receiver.received.length, 1);
    const hook = webhook.received[0];
    assert.ok(hook);
    const event = hook.json as { id: string; type: string; model: string; version: string; details: unknown };
    assert.deepEqual([event.type, event.model, event.version, event.details], ['drift.alert', 'ticket-classifier', '4', { psi: 0.31 }]);
    const [delivery] = await admin.deliveries({ channel: 'hook' });
    const channel = await admin.getChannel('hook');
    assert.equal(hook.headers['idempotency-key'], `umbral-${event.id}-${channel.id}`);
    assert.equal(delivery?.attempts, 1);
    assert.equal(smtp.mails.length, 1);
    const mail = smtp.mails[0];
    assert.deepEqual([mail?.from, mail?.to, mail?.user], ['umbral@example.com', ['oncall@example.com'], 'umbral']);
    const mailChannel = await admin.getChannel('mail');
    assert.match(mail?.raw ?? '', new RegExp(`^Message-ID: <umbral-${event.id}-${mailChannel.id}@umbral>`, 'mi'));
    assert.match(mail?.raw ?? '', /^Subject: \[umbral\] drift\.alert: ticket-classifier 4/m);
  });

  it('delivers everything to a receiver that answered 503 or was down for a while, once it is back', async () => {
    let failing = true;
    const flaky = await startHttpReceiver((_r, reply) => { reply.writeHead(failing ? 503 : 200).end(); });
    receivers.push(flaky);
    const { admin, sink } = notifications;
    await admin.addChannel({ name: 'flaky', kind: 'webhook', config: { url: flaky.url }, secret: HMAC_KEY }, 'tester');
    await admin.addRule({ events: ['breaker.opened'], model: 'm', channel: 'flaky' }, 'tester');
    const down = await startHttpReceiver();
    receivers.push(down);
    await admin.addChannel({ name: 'down', kind: 'webhook', config: { url: down.url }, secret: HMAC_KEY }, 'tester');
    await admin.addRule({ events: ['breaker.opened'], model: 'm', channel: 'down' }, 'tester');
    await down.stop();

    for (let i = 0; i < 5; i++) sink.emit({ type: 'breaker.opened', model: 'm', summary: `breaker ${i}` });
    sink.emit({ type: 'breaker.opened', model: 'other', summary: 'not routed: another model' });
    await eventually(() => flaky.received.length >= 10, 'the flaky receiver was tried several times');
    await eventually(async () => (await admin.deliveries({ channel: 'down' })).some((d) => d.attempts >= 2), 'the closed receiver was tried again');
    failing = false;
    await down.start();
    await eventually(async () => (await admin.deliveries({ status: 'delivered', channel: 'flaky' })).length === 5, 'flaky got all five');
    await eventually(async () => (await admin.deliveries({ status: 'delivered', channel: 'down' })).length === 5, 'down got all five');
    const summaries = (r: HttpReceiver) => new Set(r.received.map((x) => (x.json as { summary: string }).summary));
    assert.deepEqual([...summaries(down)].sort(), ['breaker 0', 'breaker 1', 'breaker 2', 'breaker 3', 'breaker 4']);
    assert.equal(down.received.length, 5, 'each delivered once when nothing failed');
    assert.ok(logLines.some((line) => line.includes('will try again')));
  });

  it('dead-letters after the configured number of tries, and records an unreachable SMTP server as a failure', async () => {
    const db2 = await openDatabase({ dataDir: testTempDir('umbral-notify-dead-'), databaseUrl: '' });
    const { notifications: n2, logLines: lines2 } = await openTestNotifications(db2, { 'notifications.maxAttempts': 3 });
    const broken = await startHttpReceiver((_r, reply) => { reply.writeHead(500).end('boom'); });
    const gone = await startHttpReceiver();
    await gone.stop();
    try {
      await n2.admin.addChannel({ name: 'broken', kind: 'webhook', config: { url: broken.url }, secret: HMAC_KEY }, 't');
      await n2.admin.addChannel({ name: 'refusing', kind: 'slack', secret: `${broken.url}/404` }, 't');
      await n2.admin.addChannel({
        name: 'nosmtp', kind: 'email', config: { host: '127.0.0.1', port: gone.port, security: 'none', from: 'a@example.com', to: ['b@example.com'] },
      }, 't');
      await n2.admin.addRule({ events: ['*'], channel: 'broken' }, 't');
      await n2.admin.addRule({ events: ['job.failed'], channel: 'nosmtp' }, 't');
      n2.sink.emit({ type: 'job.failed', summary: 'nightly retrain failed' });
      await eventually(async () => (await n2.admin.deliveries({ status: 'dead' })).length === 2, 'both dead');
      const dead = await n2.admin.deliveries({ status: 'dead' });
      for (const d of dead) assert.equal(d.attempts, 3, JSON.stringify(d));
      assert.match(dead.find((d) => d.channel === 'broken')?.lastError ?? '', /answered 500: boom \(after 3 tries\)/);
      assert.match(dead.find((d) => d.channel === 'nosmtp')?.lastError ?? '', /smtp: .*ECONN/);
      assert.equal(broken.received.length, 3);
      assert.ok(lines2.some((line) => line.includes('dead-lettered')));

      // A dead delivery can be queued again by hand; still failing, it dies again after 3 more tries.
      const again = await n2.admin.retry(dead[0]?.id as string);
      assert.equal(again.status, 'pending');
      await eventually(async () => (await n2.admin.deliveries({ status: 'dead' })).length === 2, 'dead again');
    } finally {
      await n2.close();
      await db2.close();
      await broken.stop();
    }
  });

  it('refuses bad channels and rules with a 4xx naming what to fix', async () => {
    const { admin } = notifications;
    assert.match(await refused(admin.addChannel({ name: 'x', kind: 'slack', secret: 'ftp://hooks.example.com/x' }, 't'), 400, 'UMBRAL_ERR_CHANNEL_INVALID'), /http\(s\)/);
    assert.match(await refused(admin.addChannel({ name: 'x', kind: 'webhook', config: { url: 'file:///etc/passwd' }, secret: HMAC_KEY }, 't'), 400, 'UMBRAL_ERR_CHANNEL_INVALID'), /config\.url/);
    assert.match(await refused(admin.addChannel({ name: 'x', kind: 'pager', secret: 'x' }, 't'), 400, 'UMBRAL_ERR_CHANNEL_INVALID'), /'pager' is not a channel kind/);
    assert.match(await refused(admin.addChannel({ name: 'x', kind: 'telegram', secret: TELEGRAM_TOKEN }, 't'), 400, 'UMBRAL_ERR_CHANNEL_INVALID'), /config\.chat_id/);
    assert.match(await refused(admin.addChannel({ name: 'x', kind: 'webhook', config: { url: 'http://x' }, secret: 'short' }, 't'), 400, 'UMBRAL_ERR_CHANNEL_INVALID'), /at least 16/);
    await refused(admin.addChannel({ name: 'slack', kind: 'slack', secret: 'https://hooks.example.com/x' }, 't'), 409, 'UMBRAL_ERR_CHANNEL_EXISTS');
    assert.match(await refused(admin.addRule({ events: ['version.promoted', 'drift.alarm'], channel: 'slack' }, 't'), 400, 'UMBRAL_ERR_RULE_INVALID'), /'drift\.alarm' is not an event type/);
    await refused(admin.addRule({ events: [], channel: 'slack' }, 't'), 400, 'UMBRAL_ERR_RULE_INVALID');
    await refused(admin.addRule({ events: ['*'], channel: 'nope' }, 't'), 404, 'UMBRAL_ERR_CHANNEL_NOT_FOUND');
    await refused(admin.removeRule('999999'), 404, 'UMBRAL_ERR_RULE_NOT_FOUND');
    await refused(admin.test('nope', 't'), 404, 'UMBRAL_ERR_CHANNEL_NOT_FOUND');
  });

  it('never shows or logs a secret', async () => {
    const reads = JSON.stringify([await notifications.admin.listChannels(), await notifications.admin.deliveries({})]);
    assert.ok(reads.includes('"secret":"set"'));
    const stored = JSON.stringify(await db.query('SELECT secret FROM umbral_notification_channels'));
    for (const secret of SECRETS) {
      assert.ok(!reads.includes(secret), `a read shows ${secret}`);
      assert.ok(!logLines.some((line) => line.includes(secret)), `a log line shows ${secret}`);
      assert.ok(!stored.includes(secret), `the database holds ${secret} in clear`);
    }
  });
});
