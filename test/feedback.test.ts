import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config/load-config.js';
import type { Database } from '../src/store/database.js';
import { openDatabase } from '../src/store/open-database.js';
import { ADMIN_KEY, SPAM_REQUEST, call, createKey, startSecuredServer, type Answer } from './helpers/access-kit.js';
import { insertPredictions, minutesAgo, predictionRecord } from './helpers/prediction-rows.js';
import { stopReplicas } from './helpers/replica-kit.js';
import { runCli } from './helpers/spawn-cli.js';
import { testTempDir } from './helpers/temp-dir.js';
import type { TestServer } from './helpers/test-server.js';

/*
 * Feedback, live quality and the export over HTTP and the CLI. The prediction log's writer is not
 * part of this test: records are written straight into the server's PostgreSQL schema, which needs
 * DATABASE_URL (the embedded store is locked by the server; test/monitoring-store.test.ts runs the
 * same queries on PGlite).
 */
const databaseUrl = loadConfig().store.databaseUrl;
const skip = databaseUrl ? false : 'DATABASE_URL is not set: these tests write prediction-log rows into the server\'s database, which needs a PostgreSQL server';
const MODEL = 'spam-classifier';
const FEEDBACK = `/admin/models/${MODEL}/feedback`;

/** A 4xx that carries a catalogue code. */
function refused(answer: Answer, status: number, code: string): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.equal(answer.body.code, code, JSON.stringify(answer.body));
  assert.equal(answer.headers.get('x-umbral-error-code'), code);
}

describe('feedback, live quality and the prediction export', { skip }, () => {
  const schema = `umbral_test_${randomBytes(4).toString('hex')}`;
  const now = new Date();
  let server: TestServer;
  let db: Database;
  let labeller: string;
  let reader: string;

  before(async () => {
    server = await startSecuredServer({ overrides: { 'store.databaseUrl': databaseUrl, 'store.databaseSchema': schema } });
    db = await openDatabase({ dataDir: testTempDir('umbral-feedback-'), databaseUrl, schema });
    labeller = (await createKey(server, { scopes: ['feedback'] })).key;
    reader = (await createKey(server, { scopes: ['admin:read'] })).key;
    const cls = (c: string) => [{ class: c, score: 0.9 }];
    await insertPredictions(db, [
      predictionRecord({ model: MODEL, requestId: 's1', at: minutesAgo(now, 1), prediction: cls('spam') }),
      predictionRecord({ model: MODEL, requestId: 's2', at: minutesAgo(now, 2), prediction: cls('spam') }),
      predictionRecord({ model: MODEL, requestId: 's3', at: minutesAgo(now, 3), prediction: cls('ham') }),
      predictionRecord({ model: MODEL, requestId: 's4', at: minutesAgo(now, 4), prediction: cls('ham') }),
      predictionRecord({ model: MODEL, requestId: 'v2', version: '2', at: minutesAgo(now, 5), prediction: cls('ham') }),
      predictionRecord({ model: MODEL, requestId: 'old', at: minutesAgo(now, 180), prediction: cls('spam') }),
    ]);
  });
  after(async () => {
    await server?.shutdown('test done');
    await db?.close();
    await stopReplicas([], databaseUrl, schema);
  });

  it('lets a feedback key post labels and nothing else', async () => {
    const posted = await call(server, 'POST', FEEDBACK, { credential: labeller, body: { request_id: 's1', label: 'spam' } });
    assert.equal(posted.status, 200, JSON.stringify(posted.body));
    assert.deepEqual(posted.body, { request_id: 's1', status: 'accepted', version: '1' });
    const elsewhere: Array<[string, string, unknown?]> = [
      ['POST', `/v2/models/${MODEL}/infer`, SPAM_REQUEST], ['GET', `/v2/models/${MODEL}`], ['GET', '/admin/models'],
      ['GET', `/admin/models/${MODEL}/quality`], ['GET', `/admin/models/${MODEL}/predictions`], ['GET', '/metrics'],
      ['POST', '/admin/keys', { name: 'more', scopes: ['feedback'] }],
    ];
    for (const [method, path, body] of elsewhere) {
      refused(await call(server, method, path, { credential: labeller, ...(body === undefined ? {} : { body }) }), 403, 'UMBRAL_ERR_FORBIDDEN');
    }
    // …and a key that reads everything cannot post labels.
    refused(await call(server, 'POST', FEEDBACK, { credential: reader, body: { request_id: 's1', label: 'spam' } }), 403, 'UMBRAL_ERR_FORBIDDEN');
  });

  it('refuses an unknown request id, a label of the wrong type and malformed bodies, each with a code', async () => {
    const unknown = await call(server, 'POST', FEEDBACK, { credential: labeller, body: { request_id: 'never-logged', label: 'spam' } });
    refused(unknown, 404, 'UMBRAL_ERR_PREDICTION_NOT_FOUND');
    assert.match(String(unknown.body.error), /only to logged predictions.*sample_rate/);
    const wrong = await call(server, 'POST', FEEDBACK, { credential: labeller, body: { request_id: 's2', label: 'eggs' } });
    refused(wrong, 400, 'UMBRAL_ERR_LABEL_TYPE_MISMATCH');
    assert.match(String(wrong.body.error), /a class label \('ham', 'spam'\) or class index \(0 to 1\)/);
    refused(await call(server, 'POST', FEEDBACK, { credential: labeller, body: { request_id: 's2', label: 0.5 } }), 400, 'UMBRAL_ERR_LABEL_TYPE_MISMATCH');
    refused(await call(server, 'POST', FEEDBACK, { credential: labeller, body: { request_id: 's2' } }), 400, 'UMBRAL_ERR_INVALID_REQUEST');
    refused(await call(server, 'POST', FEEDBACK, { credential: labeller, body: '"spam"' }), 400, 'UMBRAL_ERR_INVALID_REQUEST');
    refused(await call(server, 'POST', FEEDBACK, { credential: labeller, body: '{"request_id": ' }), 400, 'UMBRAL_ERR_INVALID_JSON');
    refused(await call(server, 'POST', FEEDBACK, { credential: labeller }), 400, 'UMBRAL_ERR_INVALID_REQUEST');
    refused(await call(server, 'POST', FEEDBACK, { credential: labeller, body: [] }), 400, 'UMBRAL_ERR_INVALID_REQUEST');
    refused(await call(server, 'POST', '/admin/models/no-such-model/feedback', { credential: labeller, body: { request_id: 's2', label: 1 } }),
      404, 'UMBRAL_ERR_MODEL_NOT_FOUND');
  });

  it('answers a batch with one result per item, and refuses one over 1,000 items', async () => {
    const batch = await call(server, 'POST', FEEDBACK, {
      credential: labeller,
      body: [{ request_id: 's2', label: 'ham' }, { request_id: 's3', label: 0 }, { request_id: 's4', label: 'spam' }, { request_id: 'v2', label: 'ham' },
        { request_id: 'old', label: 'spam' }, { request_id: 'nope', label: 'ham' }, { request_id: 's4', label: [1, 2] }, { label: 'ham' }],
    });
    assert.equal(batch.status, 200, JSON.stringify(batch.body));
    assert.equal(batch.body.accepted, 5);
    assert.equal(batch.body.failed, 3);
    const results = batch.body.results as Array<Record<string, unknown>>;
    assert.deepEqual(results.map((r) => r.code ?? r.status), [
      'accepted', 'accepted', 'accepted', 'accepted', 'accepted',
      'UMBRAL_ERR_PREDICTION_NOT_FOUND', 'UMBRAL_ERR_LABEL_TYPE_MISMATCH', 'UMBRAL_ERR_INVALID_REQUEST',
    ]);
    assert.deepEqual(results[5], {
      index: 5, request_id: 'nope', status: 'error', httpStatus: 404, code: 'UMBRAL_ERR_PREDICTION_NOT_FOUND', error: results[5]?.error,
    });
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ request_id: `r${i}`, label: 'spam' }));
    refused(await call(server, 'POST', FEEDBACK, { credential: labeller, body: tooMany }), 413, 'UMBRAL_ERR_FEEDBACK_BATCH_TOO_LARGE');
  });

  it('computes live quality from the labels, per version and window', async () => {
    // Version 1, last hour: s1 (spam, spam), s2 (spam, ham), s3 (ham, ham), s4 (ham, spam); 3 hours ago: old (spam, spam).
    const answer = await call(server, 'GET', `/admin/models/${MODEL}/quality`, { credential: reader });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const results = answer.body.results as Array<{ version: string; window: string; task: string; samples: number; metrics: Record<string, number> }>;
    const of = (version: string, window: string) => results.find((r) => r.version === version && r.window === window);
    assert.equal(of('1', '1h')?.task, 'classification');
    assert.equal(of('1', '1h')?.samples, 4);
    assert.equal(of('1', '1h')?.metrics.accuracy, 0.5);
    assert.equal(of('1', '1h')?.metrics.f1_macro, 0.5);
    assert.equal(of('1', '24h')?.samples, 5);
    assert.equal(of('1', '24h')?.metrics.accuracy, 0.6);
    assert.equal(of('2', '1h')?.metrics.accuracy, 1);

    const filtered = await call(server, 'GET', `/admin/models/${MODEL}/quality?window=6h&version=2`, { credential: reader });
    assert.deepEqual((filtered.body.results as Array<{ version: string; window: string }>).map((r) => [r.version, r.window]), [['2', '6h']]);
    refused(await call(server, 'GET', `/admin/models/${MODEL}/quality?window=fortnight`, { credential: reader }), 400, 'UMBRAL_ERR_INVALID_REQUEST');
    refused(await call(server, 'GET', '/admin/models/no-such-model/quality', { credential: reader }), 404, 'UMBRAL_ERR_MODEL_NOT_FOUND');
  });

  it('exports JSON lines and CSV, streamed, with labels, by time range and version', async () => {
    const jsonl = await exported(`/admin/models/${MODEL}/predictions`);
    assert.match(jsonl.type, /^application\/x-ndjson/);
    const records = jsonl.text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(records.map((r) => r.requestId), ['old', 'v2', 's4', 's3', 's2', 's1']);
    assert.deepEqual(records.map((r) => r.label), ['spam', 'ham', 'spam', 0, 'ham', 'spam']);
    assert.equal(records[0]?.labelledBy, `key:${(await keyIdOf(labeller))}`);

    const range = `from=${encodeURIComponent(minutesAgo(now, 4))}&to=${encodeURIComponent(minutesAgo(now, 1))}`;
    const ranged = await exported(`/admin/models/${MODEL}/predictions?${range}&version=1&format=csv`);
    assert.match(ranged.type, /^text\/csv/);
    const lines = ranged.text.trim().split('\r\n');
    assert.match(lines[0] as string, /^id,request_id,model,version,variant,at,/);
    assert.deepEqual(lines.slice(1).map((line) => line.split(',')[1]), ['s4', 's3', 's2']);
    const byAccept = await exported(`/admin/models/${MODEL}/predictions?version=2`, { accept: 'text/csv' });
    assert.equal(byAccept.text.trim().split('\r\n').length, 2, 'a header and v2');

    const path = `/admin/models/${MODEL}/predictions`;
    refused(await call(server, 'GET', `${path}?from=yesterday`, { credential: reader }), 400, 'UMBRAL_ERR_INVALID_REQUEST');
    refused(await call(server, 'GET', `${path}?from=2026-02-30T00:00:00Z`, { credential: reader }), 400, 'UMBRAL_ERR_INVALID_REQUEST');
    refused(await call(server, 'GET', `${path}?from=2026-01-02&to=2026-01-01`, { credential: reader }), 400, 'UMBRAL_ERR_INVALID_REQUEST');
    refused(await call(server, 'GET', `${path}?format=xml`, { credential: reader }), 400, 'UMBRAL_ERR_INVALID_REQUEST');
    refused(await call(server, 'GET', '/admin/models/no-such-model/predictions', { credential: reader }), 404, 'UMBRAL_ERR_MODEL_NOT_FOUND');
  });

  it('exports with umbral predictions export, to a file or stdout', async () => {
    const env = { UMBRAL_URL: server.url, UMBRAL_API_KEY: reader };
    const file = join(testTempDir('umbral-export-'), 'out.csv');
    const toFile = await runCli(['predictions', 'export', '--model', MODEL, '--format', 'csv', '--version', '1', '--output', file], env);
    assert.equal(toFile.code, 0, toFile.stderr);
    const csv = readFileSync(file, 'utf8').trim().split('\r\n');
    assert.equal(csv.length, 1 + 5);
    const toStdout = await runCli(['predictions', 'export', '--model', MODEL, '--from', minutesAgo(now, 60)], env);
    assert.equal(toStdout.code, 0, toStdout.stderr);
    assert.deepEqual(toStdout.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { requestId: string }).requestId), ['v2', 's4', 's3', 's2', 's1']);
    const denied = await runCli(['predictions', 'export', '--model', MODEL], { ...env, UMBRAL_API_KEY: labeller });
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /UMBRAL_ERR_FORBIDDEN/);
    const bad = await runCli(['predictions', 'export', '--model', MODEL, '--from', 'soon'], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /from: 'soon' is not an ISO 8601 time.*UMBRAL_ERR_INVALID_REQUEST/);
  });

  async function exported(path: string, headers: Record<string, string> = {}): Promise<{ type: string; text: string }> {
    const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${reader}`, ...headers } });
    assert.equal(response.status, 200, await response.clone().text());
    return { type: response.headers.get('content-type') ?? '', text: await response.text() };
  }

  async function keyIdOf(key: string): Promise<string> {
    const keys = (await call(server, 'GET', '/admin/keys', { credential: ADMIN_KEY })).body.keys as Array<{ id: string; scopes: string[] }>;
    const match = keys.find((k) => k.scopes.length === 1 && k.scopes[0] === 'feedback');
    assert.ok(match, `no feedback key among ${JSON.stringify(keys)} for ${key.slice(0, 4)}…`);
    return match.id;
  }
});
