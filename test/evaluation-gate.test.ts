import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ADMIN_KEY, call, createKey, startSecuredServer } from './helpers/access-kit.js';
import { eventually, startHttpReceiver, type HttpReceiver } from './helpers/notification-receivers.js';
import { SPAM_DATASET as DATASET, SPAM_LABELS as LABELS, SPAM_MODEL as MODEL, respun, uploadSpam as upload } from './helpers/spam-story.js';
import { DEFAULT_MODELS, type TestServer } from './helpers/test-server.js';
import { loadConfig } from '../src/config/load-config.js';

const M = `/admin/models/${MODEL}`;

interface VersionReport { version: number; rows: number; failed: number; metrics: Record<string, number>; confusion: { labels: string[]; matrix: number[][] }; latencyMs: { p50: number; p99: number } }

const admin = (server: TestServer, method: string, path: string, body?: unknown) => call(server, method, path, { credential: ADMIN_KEY, ...(body === undefined ? {} : { body }) });

/**
 * The champion/challenger story on a real server: a dataset pushed and checked, both versions
 * evaluated through the serving path, a worse challenger refused by the gate (409 with the report,
 * audited, notified), forced through by an admin with a reason, and a good one that passes.
 */
const { databaseUrl } = loadConfig().store;
const STORES = [
  { name: 'embedded PGlite', overrides: {}, skip: false as const },
  {
    name: 'PostgreSQL', overrides: { 'store.databaseUrl': databaseUrl, 'store.databaseSchema': `umbral_test_${randomBytes(6).toString('hex')}` },
    skip: databaseUrl ? false as const : 'DATABASE_URL is not set: the PostgreSQL run of the gate story needs a server',
  },
];

for (const store of STORES) describe(`evaluation and the promotion gate (${store.name})`, { skip: store.skip }, () => {
  let server: TestServer;
  let receiver: HttpReceiver;

  before(async () => {
    receiver = await startHttpReceiver();
    server = await startSecuredServer({
      models: { [MODEL]: DEFAULT_MODELS[MODEL] },
      overrides: { 'evaluation.maxDatasetRows': 20, 'notifications.pollIntervalMs': 100, 'notifications.backoffMinMs': 50, ...store.overrides },
    });
  });
  after(async () => {
    await server?.shutdown('test done');
    await receiver?.stop();
  });

  it('takes a dataset by content, and refuses one that does not fit with the line and the problem', async () => {
    const pushed = await admin(server, 'POST', `${M}/datasets?name=holdout`, DATASET);
    assert.equal(pushed.status, 201, JSON.stringify(pushed.body));
    assert.equal(pushed.body.rows, 12);
    const again = await admin(server, 'POST', `${M}/datasets?name=holdout`, DATASET);
    assert.deepEqual([again.status, again.body.created, again.body.sha256], [200, false, pushed.body.sha256]);
    const alias = await admin(server, 'POST', `${M}/datasets?name=holdout-copy`, DATASET);
    assert.deepEqual([alias.status, alias.body.sha256], [201, pushed.body.sha256]);
    const taken = await admin(server, 'POST', `${M}/datasets?name=holdout`, `${DATASET}\n${DATASET.split('\n')[0]}`);
    assert.deepEqual([taken.status, taken.body.code], [409, 'UMBRAL_ERR_DATASET_EXISTS']);

    const wrongInput = await admin(server, 'POST', `${M}/datasets?name=bad`, `${DATASET.split('\n')[0]}\n{"inputs": {"body": "hi"}, "expected": "ham"}`);
    assert.equal(wrongInput.status, 400);
    assert.equal(wrongInput.body.code, 'UMBRAL_ERR_DATASET_INVALID');
    assert.match(String(wrongInput.body.error), /line 2: input 'body' is not an input of the model; its inputs are: text/);
    const wrongType = await admin(server, 'POST', `${M}/datasets?name=bad`, '{"inputs": [{"name": "text", "datatype": "FP32", "shape": [1], "data": [1]}], "expected": "ham"}');
    assert.match(String(wrongType.body.error), /line 1: input 'text': datatype FP32, the model's is BYTES/);
    const tooMany = await admin(server, 'POST', `${M}/datasets?name=bad`, `${DATASET}\n${DATASET}`);
    assert.deepEqual([tooMany.status, tooMany.body.code], [413, 'UMBRAL_ERR_DATASET_TOO_LARGE']);
    assert.deepEqual(((await admin(server, 'GET', `${M}/datasets`)).body.datasets as Array<{ name: string }>).map((d) => d.name), ['holdout', 'holdout-copy']);
    assert.equal((await admin(server, 'DELETE', `${M}/datasets/holdout-copy`)).status, 204);
    assert.equal((await admin(server, 'GET', `${M}/datasets/holdout-copy`)).status, 404);
  });

  let worse: number;
  let firstReport: Record<string, unknown>;

  it('evaluates champion and challenger through the serving path, with consistent numbers', async () => {
    // The same model with its class labels swapped: every prediction named the other class.
    worse = await upload(server, respun('worse'), { labels: { probabilities: ['spam', 'ham'] } }, 'challenger');
    const answer = await admin(server, 'POST', `${M}/evaluations`, { dataset: 'holdout', versions: ['champion', 'challenger'] });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    firstReport = answer.body;
    const [champion, challenger] = answer.body.versions as VersionReport[];
    assert.deepEqual([champion?.version, challenger?.version], [1, worse]);
    for (const v of [champion, challenger] as VersionReport[]) {
      assert.deepEqual([v.rows, v.failed], [12, 0]);
      const total = v.confusion.matrix.flat().reduce((a, b) => a + b, 0);
      const right = v.confusion.labels.reduce((sum, label, i) => sum + (v.confusion.matrix[i]?.[i] ?? 0), 0);
      assert.equal(total, 12);
      assert.ok(Math.abs((v.metrics.accuracy ?? -1) - right / total) < 1e-9, 'accuracy is the confusion matrix\'s trace');
      assert.ok(v.latencyMs.p50 > 0 && v.latencyMs.p99 >= v.latencyMs.p50);
    }
    // Swapped labels: each row's verdict flips, and so does the ranking of the scores.
    assert.ok(Math.abs((champion?.metrics.accuracy ?? 0) + (challenger?.metrics.accuracy ?? 0) - 1) < 1e-9);
    assert.ok(Math.abs((champion?.metrics.roc_auc ?? 0) + (challenger?.metrics.roc_auc ?? 0) - 1) < 1e-9);
    assert.ok((champion?.metrics.accuracy ?? 0) >= 0.75, `the bundled classifier gets most of these right: ${JSON.stringify(champion?.metrics)}`);

    const stored = await admin(server, 'GET', `${M}/evaluations/${String(answer.body.id)}`);
    assert.deepEqual(stored.body, answer.body);
    const ofVersion = await admin(server, 'GET', `${M}/versions/${worse}/evaluations`);
    assert.deepEqual((ofVersion.body.evaluations as Array<{ id: string }>).map((e) => e.id), [answer.body.id]);
    // A seeded sample: the same seed, the same rows.
    const sampled = await admin(server, 'POST', `${M}/evaluations`, { dataset: 'holdout', versions: ['1'], sample: 5, seed: 3 });
    const resampled = await admin(server, 'POST', `${M}/evaluations`, { dataset: 'holdout', versions: ['1'], sample: 5, seed: 3 });
    assert.deepEqual((sampled.body.versions as VersionReport[])[0]?.metrics, (resampled.body.versions as VersionReport[])[0]?.metrics);
    assert.deepEqual([(sampled.body.versions as VersionReport[])[0]?.rows, sampled.body.sample], [5, { size: 5, seed: 3 }]);
  });

  it('refuses a gate the model cannot have, and a dataset the gate names from being deleted', async () => {
    for (const [promotion, pattern] of [
      [{ dataset: 'holdout', metric: 'rmse' }, /promotion.metric: 'rmse' is not a metric of a classification model/],
      [{ dataset: 'nope', metric: 'f1_macro' }, /promotion.dataset: model 'spam-classifier' has no dataset 'nope'/],
      [{ dataset: 'holdout', metric: 'f1_macro', min_gain: 1 }, /promotion: Unrecognized key/],
    ] as const) {
      const refused = await admin(server, 'PATCH', `${M}/policy`, { promotion });
      assert.deepEqual([refused.status, refused.body.code], [400, 'UMBRAL_ERR_POLICY_INVALID'], JSON.stringify(refused.body));
      assert.match(String(refused.body.error), pattern);
    }
    const set = await admin(server, 'PATCH', `${M}/policy`, { promotion: { dataset: 'holdout', metric: 'f1_macro', min_improvement: 0.01 } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual((await admin(server, 'DELETE', `${M}/datasets/holdout`)).body.code, 'UMBRAL_ERR_DATASET_IN_USE');
  });

  it('refuses the worse challenger with 409 and the report, audits it and notifies', async () => {
    assert.equal((await admin(server, 'POST', '/admin/notifications/channels', {
      name: 'gate-hook', kind: 'webhook', config: { url: `${receiver.url}/events` }, secret: 'gate-test-hmac-key-0123456789',
    })).status, 201);
    assert.equal((await admin(server, 'POST', '/admin/notifications/rules', { events: ['gate.failed'], model: MODEL, channel: 'gate-hook' })).status, 201);
    const reports = ((await admin(server, 'GET', `${M}/evaluations`)).body.evaluations as unknown[]).length;

    const refused = await admin(server, 'POST', `${M}/promote`);
    assert.deepEqual([refused.status, refused.body.code], [409, 'UMBRAL_ERR_GATE_FAILED'], JSON.stringify(refused.body));
    assert.match(String(refused.body.error), new RegExp(`refused challenger version ${worse}: f1_macro`));
    const details = refused.body.details as { verdict: { passed: boolean; metric: { improvement: number } }; report: { id: string } };
    assert.equal(details.verdict.passed, false);
    assert.ok(details.verdict.metric.improvement < 0);
    // The report of the same versions and dataset was reused, not made again.
    assert.equal(details.report.id, firstReport.id);
    assert.equal(((await admin(server, 'GET', `${M}/evaluations`)).body.evaluations as unknown[]).length, reports);
    const model = await admin(server, 'GET', M);
    assert.deepEqual(model.body.aliases, { champion: 1, challenger: worse });

    const [entry] = (await admin(server, 'GET', `${M}/history?limit=1`)).body.entries as Array<{ action: string; from: string; to: string; detail: { report: { id: string } } }>;
    assert.deepEqual([entry?.action, entry?.from, entry?.to, entry?.detail.report.id], ['gate.failed', '1', String(worse), firstReport.id]);
    await eventually(() => receiver.received.some((r) => (r.json as { type?: string }).type === 'gate.failed'), 'the gate.failed notification');
  });

  it('lets an admin force it with a reason, and no one else', async () => {
    const operator = (await createKey(server, { scopes: ['admin:read', 'admin:write'] })).key;
    const notAdmin = await call(server, 'POST', `${M}/promote`, { credential: operator, body: { force: true, reason: 'ship it' } });
    assert.deepEqual([notAdmin.status, notAdmin.body.code], [403, 'UMBRAL_ERR_FORBIDDEN']);
    const noReason = await admin(server, 'POST', `${M}/promote`, { force: true });
    assert.deepEqual([noReason.status, noReason.body.code], [400, 'UMBRAL_ERR_INVALID_REQUEST']);

    const forced = await admin(server, 'POST', `${M}/promote`, { force: true, reason: 'the labels are fixed downstream (INC-42)' });
    assert.equal(forced.status, 200, JSON.stringify(forced.body));
    assert.deepEqual(forced.body.aliases, { champion: worse, previous: 1 });
    const entries = (await admin(server, 'GET', `${M}/history?limit=5`)).body.entries as Array<{ action: string; subject: string | null; detail?: { reason?: string; gate?: string } }>;
    const gate = entries.find((e) => e.action.startsWith('gate.'));
    assert.deepEqual([gate?.action, gate?.detail?.reason], ['gate.forced', 'the labels are fixed downstream (INC-42)']);
    assert.equal(entries.find((e) => e.action === 'promote' && e.subject === 'champion')?.detail?.gate, 'forced');
    await eventually(() => receiver.received.some((r) => (r.json as { details?: { forced?: boolean } }).details?.forced === true), 'the forced gate notification');
  });

  it('passes a challenger that betters the champion', async () => {
    const good = await upload(server, respun('good'), { labels: LABELS }, 'challenger');
    const passed = await admin(server, 'POST', `${M}/promote`);
    assert.equal(passed.status, 200, JSON.stringify(passed.body));
    assert.deepEqual(passed.body.aliases, { champion: good, previous: worse });
    const entries = (await admin(server, 'GET', `${M}/history?limit=5`)).body.entries as Array<{ action: string; subject: string | null; detail?: { gate?: string; verdict: { passed: boolean; metric: { challenger: number } } } }>;
    const gate = entries.find((e) => e.action.startsWith('gate.'));
    assert.equal(gate?.action, 'gate.passed');
    assert.equal(entries.find((e) => e.action === 'promote' && e.subject === 'champion')?.detail?.gate, 'passed');
    const champion = (firstReport.versions as VersionReport[])[0];
    // The good challenger is the bundled model again: the numbers of version 1.
    assert.ok(Math.abs((gate?.detail?.verdict.metric.challenger ?? 0) - (champion?.metrics.f1_macro ?? -1)) < 1e-9);
  });
});
