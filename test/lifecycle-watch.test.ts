import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ADMIN_KEY, call, createKey, startSecuredServer } from './helpers/access-kit.js';
import { DEFAULT_MODELS, type TestServer } from './helpers/test-server.js';
import { until } from './helpers/until.js';

const MODEL = 'spam-classifier';
const HMAC_KEY = 'lifecycle-test-hmac-key-0123456789';
const SHORT = ['lunch at noon?', 'win cash now', 'meeting moved', 'free prize inside', 'see you soon'];
const LONG = 'Dear customer, your account statement for the quarter is attached below; please review every line '
  + 'of it carefully and write back to us within ten working days if anything looks wrong, because after that '
  + 'date the statement is final and cannot be changed by our office any more. ';

interface Received { readonly type: string; readonly model?: string; readonly summary: string }

/**
 * The whole watch loop on one real server, on the embedded store: predictions logged, labelled
 * through a feedback-only key, turned into live quality, exported; a shift in the inputs found by
 * the scheduled drift check and delivered to a signed webhook through the outbox.
 */
describe('watching a model in production, end to end', () => {
  let server: TestServer;
  let receiver: Server;
  const received: Received[] = [];
  const answered: Array<{ id: string; label: string }> = [];

  before(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => { body += chunk.toString('utf8'); });
      request.on('end', () => {
        const timestamp = String(request.headers['x-umbral-timestamp']);
        const expected = `v1=${createHmac('sha256', HMAC_KEY).update(`${timestamp}.${body}`).digest('hex')}`;
        if (request.headers['x-umbral-signature'] !== expected) {
          response.writeHead(401).end();
          return;
        }
        received.push(JSON.parse(body) as Received);
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    server = await startSecuredServer({
      models: { [MODEL]: DEFAULT_MODELS[MODEL] },
      overrides: { 'predictionLog.flushIntervalMs': 50, 'notifications.pollIntervalMs': 100, 'notifications.backoffMinMs': 50 },
    });
  });

  after(async () => {
    await server?.shutdown('test done');
    await new Promise((resolve) => receiver?.close(resolve));
  });

  async function infer(text: string): Promise<void> {
    const answer = await call(server, 'POST', `/v2/models/${MODEL}/infer`, {
      credential: ADMIN_KEY,
      body: { inputs: [{ name: 'text', datatype: 'BYTES', shape: [1], data: [text] }], outputs: [{ name: 'probabilities', parameters: { classification: 1 } }] },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const top = String((answer.body.outputs as Array<{ data: string[] }>)[0]?.data[0]);
    answered.push({ id: String(answer.headers.get('x-request-id')), label: top.split(':')[2] ?? '' });
  }

  async function runJob(name: string): Promise<Record<string, unknown>> {
    const before = ((await call(server, 'GET', `/admin/jobs/${name}/runs`, { credential: ADMIN_KEY })).body.runs as unknown[]).length;
    // 409 while the scheduler's own run of the job is going: ask again once it has finished.
    await until(async () => {
      const started = await call(server, 'POST', `/admin/jobs/${name}/run`, { credential: ADMIN_KEY });
      assert.ok(started.status === 202 || started.status === 409, JSON.stringify(started.body));
      return started.status === 202;
    });
    let newest: Record<string, unknown> = {};
    await until(async () => {
      const runs = (await call(server, 'GET', `/admin/jobs/${name}/runs`, { credential: ADMIN_KEY })).body.runs as Array<Record<string, unknown>>;
      newest = runs[0] ?? {};
      return runs.length > before && newest.status !== 'running';
    });
    assert.equal(newest.status, 'succeeded', JSON.stringify(newest));
    return newest;
  }

  it('logs, labels, measures, exports, and alerts on drift through the outbox', { timeout: 60_000 }, async () => {
    const channel = await call(server, 'POST', '/admin/notifications/channels', {
      credential: ADMIN_KEY, body: { name: 'ops-hook', kind: 'webhook', config: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events` }, secret: HMAC_KEY },
    });
    assert.equal(channel.status, 201, JSON.stringify(channel.body));
    assert.equal(channel.body.secret, 'set');
    assert.equal((await call(server, 'POST', '/admin/notifications/rules', {
      credential: ADMIN_KEY, body: { events: ['drift.alert'], model: MODEL, channel: 'ops-hook' },
    })).status, 201);

    // A sample rate of 2 is refused with what to fix; the policy that follows is taken.
    const refused = await call(server, 'PATCH', `/admin/models/${MODEL}/policy`, { credential: ADMIN_KEY, body: { prediction_log: { sample_rate: 2 } } });
    assert.equal(refused.status, 400);
    assert.match(JSON.stringify(refused.body), /sample_rate/);
    const policy = await call(server, 'PATCH', `/admin/models/${MODEL}/policy`, {
      credential: ADMIN_KEY,
      body: {
        prediction_log: { sample_rate: 1, payload: 'hash' },
        drift: { reference_size: 50, min_samples: 30, window_minutes: 60, psi_threshold: 0.2, ks_threshold: 0.3, schedule: '* * * * * *' },
      },
    });
    assert.equal(policy.status, 200, JSON.stringify(policy.body));

    // The reference: the version's first 50 logged predictions, short texts.
    for (let i = 0; i < 50; i++) await infer(SHORT[i % SHORT.length] ?? '');
    await server.predictionLog.flush();
    await runJob('drift-check');

    // Ground truth from a key that can post labels and nothing else: three in four agree with the model.
    const labeller = (await createKey(server, { scopes: ['feedback'] })).key;
    const flip = (label: string) => (label === 'spam' ? 'ham' : 'spam');
    const labels = answered.slice(0, 40).map((a, i) => ({ request_id: a.id, label: i % 4 === 0 ? flip(a.label) : a.label }));
    const posted = await call(server, 'POST', `/admin/models/${MODEL}/feedback`, { credential: labeller, body: labels });
    assert.equal(posted.status, 200, JSON.stringify(posted.body));
    assert.ok((posted.body.results as Array<{ status: string }>).every((r) => r.status === 'accepted'), JSON.stringify(posted.body));
    assert.equal((await call(server, 'GET', `/admin/models/${MODEL}/quality`, { credential: labeller })).status, 403);
    const quality = await call(server, 'GET', `/admin/models/${MODEL}/quality?window=1h`, { credential: ADMIN_KEY });
    const result = (quality.body.results as Array<{ samples: number; metrics: Record<string, number> }>)[0];
    assert.equal(result?.samples, 40, JSON.stringify(quality.body));
    assert.equal(result?.metrics.accuracy, 0.75);
    await runJob('quality-window');
    const metrics = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
    assert.match(metrics, /umbral_quality\{model="spam-classifier",version="1",metric="accuracy",window="1h"\} 0\.75/);

    // Then the inputs shift: long letters. The scheduled check finds it and the webhook hears of it once.
    for (let i = 0; i < 40; i++) await infer(`${LONG.repeat(1 + (i % 3))}${i}`);
    await server.predictionLog.flush();
    await runJob('drift-check');
    const drift = await call(server, 'GET', `/admin/models/${MODEL}/drift`, { credential: ADMIN_KEY });
    const scores = (drift.body.versions as Array<{ scores: Array<{ feature: string; method: string; score: number; alerting: boolean }> }>)[0]?.scores ?? [];
    const length = scores.find((s) => s.feature === 'text.length' && s.method === 'psi');
    assert.ok(length && length.score > 0.2 && length.alerting, JSON.stringify(scores));
    await until(() => received.some((event) => event.type === 'drift.alert'));
    const alert = received.find((event) => event.type === 'drift.alert');
    assert.equal(alert?.model, MODEL);
    assert.match(alert?.summary ?? '', /text\.length/);
    assert.match(metrics + await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text(),
      /umbral_drift_score\{model="spam-classifier",version="1",feature="text.length",method="psi"\}/);

    // Every answered request is in the export exactly once, with its label where one was posted.
    const exported = await fetch(`${server.url}/admin/models/${MODEL}/predictions?format=jsonl`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    assert.equal(exported.status, 200);
    const records = (await exported.text()).trim().split('\n').map((line) => JSON.parse(line) as { requestId?: string; request_id?: string; label?: unknown });
    const ids = records.map((r) => r.requestId ?? r.request_id);
    assert.deepEqual([...ids].sort(), answered.map((a) => a.id).sort());
    assert.equal(records.filter((r) => r.label !== undefined && r.label !== null).length, 40);
    assert.equal(received.filter((event) => event.type === 'drift.alert').length, 1);
  });
});
