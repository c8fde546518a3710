import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { Registry as MetricsRegistry } from 'prom-client';
import { loadConfig } from '../src/config/load-config.js';
import type { UmbralEvent } from '../src/mlops/events/umbral-event.js';
import { DriftMonitor } from '../src/mlops/drift/drift-monitor.js';
import { createLogger } from '../src/observability/logger.js';
import { mulberry32 } from '../src/random/mulberry32.js';
import { SqlRegistry } from '../src/registry/sql-registry.js';
import type { Database } from '../src/store/database.js';
import { openDatabase } from '../src/store/open-database.js';
import { insertPredictions, spreadRows } from './helpers/drift-rows.js';
import { testTempDir } from './helpers/temp-dir.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const databaseUrl = loadConfig().store.databaseUrl;
const NO_POSTGRES = 'DATABASE_URL is not set: this part needs a PostgreSQL server the test can share with the server under test';
const MINUTE = 60_000;
const logger = createLogger({ log: { level: (process.env.DRIFT_TEST_LOG as 'silent' | undefined) ?? 'silent', format: 'json' } });

/** Normal draws from a seeded generator: the same rows every run. */
function normal(seed: number): (mean: number) => number {
  const random = mulberry32(seed);
  return (mean) => mean + Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function recordingMonitor(db: Database) {
  const events: UmbralEvent[] = [];
  const metrics = new MetricsRegistry();
  const monitor = new DriftMonitor({
    db, registry: new SqlRegistry(db), metrics, logger, events: { emit: (event) => { events.push(event); } },
    limits: { maxElements: 1_000_000, referenceValues: 10_000, maxWindowRows: 10_000 },
  });
  return { monitor, events, metrics };
}

const referenceLine = (x: number[]) => JSON.stringify({ inputs: [{ name: 'fp32', datatype: 'FP32', shape: [1, 3], data: x }] });
const put = (url: string, body: string | Uint8Array, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'PUT', body, headers: { 'content-type': 'application/x-ndjson', ...headers } });

describe('drift references over HTTP', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer({ overrides: { 'drift.maxReferenceBytes': 20_000 } }); });
  after(() => server.shutdown('test over'));

  it('takes a dataset of JSON lines for a version, and shows it in the model\'s drift', async () => {
    const draw = normal(1);
    const text = Array.from({ length: 60 }, () => referenceLine([draw(0), draw(0), draw(0)])).join('\n');
    const response = await put(`${server.url}/admin/models/echo/versions/1/reference`, text);
    assert.equal(response.status, 201, await response.clone().text());
    const body = await response.json() as Record<string, unknown>;
    assert.equal(body.source, 'dataset');
    assert.equal(body.rows, 60);
    assert.deepEqual(body.values, { 'fp32[0]': 60, 'fp32[1]': 60, 'fp32[2]': 60 });

    const drift = await (await fetch(`${server.url}/admin/models/echo/drift`)).json() as { settings: unknown; versions: Array<Record<string, unknown>> };
    assert.equal(drift.settings, null, 'no drift policy yet');
    assert.equal((drift.versions[0]?.reference as Record<string, unknown>).source, 'dataset');

    const gzipped = await put(`${server.url}/admin/models/echo/versions/1/reference`, gzipSync(text), { 'content-encoding': 'gzip' });
    assert.equal(gzipped.status, 201);
    assert.equal((await gzipped.json() as { rows: number }).rows, 60);
    // Over the limit once inflated, though small as sent.
    const bomb = await put(`${server.url}/admin/models/echo/versions/1/reference`, gzipSync(text.repeat(10)), { 'content-encoding': 'gzip' });
    assert.equal(bomb.status, 413);
    assert.equal(bomb.headers.get('x-umbral-error-code'), 'UMBRAL_ERR_REFERENCE_TOO_LARGE');
  });

  it('refuses a dataset that is not JSON lines, names inputs the version lacks, or is too large, with a code', async () => {
    const cases: Array<[string | Uint8Array, number, string, RegExp]> = [
      ['{"inputs": [', 400, 'UMBRAL_ERR_REFERENCE_INVALID', /line 1: not JSON/],
      [`${referenceLine([1, 2, 3])}\nhello`, 400, 'UMBRAL_ERR_REFERENCE_INVALID', /line 2: not JSON/],
      ['{"inputs": [{"name": "nope", "datatype": "FP32", "shape": [1], "data": [1]}]}', 400, 'UMBRAL_ERR_REFERENCE_INVALID', /input 'nope' is not an input of model 'echo'/],
      ['{"rows": [1, 2]}', 400, 'UMBRAL_ERR_REFERENCE_INVALID', /inputs: must be a non-empty array/],
      ['', 400, 'UMBRAL_ERR_REFERENCE_INVALID', /no line/],
      [referenceLine([1, 2, 3]).repeat(400), 413, 'UMBRAL_ERR_REFERENCE_TOO_LARGE', /20000 bytes/],
    ];
    for (const [body, status, code, message] of cases) {
      const response = await put(`${server.url}/admin/models/echo/versions/1/reference`, body);
      const answer = await response.json() as { code: string; error: string };
      assert.equal(response.status, status, answer.error);
      assert.equal(answer.code, code);
      assert.match(answer.error, message);
    }
    assert.equal((await put(`${server.url}/admin/models/nope/versions/1/reference`, referenceLine([1, 2, 3]))).status, 404);
    const noVersion = await put(`${server.url}/admin/models/echo/versions/9/reference`, referenceLine([1, 2, 3]));
    assert.equal(noVersion.headers.get('x-umbral-error-code'), 'UMBRAL_ERR_VERSION_NOT_FOUND');
    assert.equal((await fetch(`${server.url}/admin/models/nope/drift`)).status, 404);
    // The refused datasets left the stored one as it was.
    const drift = await (await fetch(`${server.url}/admin/models/echo/drift`)).json() as { versions: Array<{ reference: { rows: number } }> };
    assert.equal(drift.versions[0]?.reference.rows, 60);
  });
});

/** Two models on one database: `shifted` sees its inputs and classes move, `steady` does not. Both take their reference from their first predictions. */
async function scenario(db: Database): Promise<void> {
  const registry = new SqlRegistry(db);
  const now = new Date();
  const policy = { drift: { reference_size: 200, min_samples: 100, window_minutes: 60 } };
  for (const model of ['shifted', 'steady']) {
    await registry.createModel(model, null, 'test');
    await registry.setPolicy(model, policy, 'test');
  }
  await registry.createModel('ignored', null, 'test'); // no drift policy: never checked
  const draw = normal(7);
  const row = (mean: number, spamShare: number) => (i: number) => ({ x: [draw(mean)], 'output.class': [i % 100 < spamShare * 100 ? 1 : 0] });
  const at = (minutes: number) => new Date(now.getTime() + minutes * MINUTE);
  await insertPredictions(db, [
    ...spreadRows('shifted', '1', 200, at(-100), at(-70), row(0, 0.5)),
    ...spreadRows('shifted', '1', 300, at(-50), at(-1), row(2, 0.9)),
    ...spreadRows('steady', '1', 200, at(-100), at(-70), row(0, 0.5)),
    ...spreadRows('steady', '1', 300, at(-50), at(-1), row(0, 0.5)),
    ...spreadRows('ignored', '1', 300, at(-50), at(-1), row(5, 1)),
  ]);
  const { monitor, events, metrics } = recordingMonitor(db);

  assert.equal(await monitor.check(now), '2 models checked, 2 versions scored, 1 alert');
  assert.equal(events.length, 1);
  const [event] = events as [UmbralEvent];
  assert.equal(event.type, 'drift.alert');
  assert.equal(event.model, 'shifted');
  assert.equal(event.version, '1');
  const crossed = (event.details?.features as Array<{ feature: string; method: string }>).map((f) => `${f.feature}/${f.method}`).sort();
  assert.deepEqual(crossed, ['output.class/psi', 'x/ks', 'x/psi']);

  const shifted = await monitor.report('shifted');
  const version = shifted.versions[0];
  assert.equal(version?.reference?.source, 'predictions');
  assert.equal(version?.reference?.rows, 200);
  assert.equal(version?.check?.samples, 300, 'the window starts after the predictions of the reference');
  const psi = version?.scores.find((s) => s.feature === 'x' && s.method === 'psi');
  assert.ok(psi && psi.score > 1 && psi.alerting && psi.alertedAt !== null, JSON.stringify(psi));
  const steady = await monitor.report('steady');
  for (const s of steady.versions[0]?.scores ?? []) assert.ok(s.score < s.threshold && !s.alerting, JSON.stringify(s));
  assert.equal(steady.versions[0]?.scores.length, 3);

  // The same due run is claimed once: a second replica (or a second call) checks nothing.
  assert.equal(await monitor.check(now), '0 models checked, 0 versions scored, 0 alerts');
  // A later check of the same shift raises no second alert (the state is in the database).
  const again = recordingMonitor(db);
  assert.match(await again.monitor.check(at(1), { force: true }), /2 versions scored, 0 alerts/);
  assert.equal(again.events.length + events.length, 1);

  // Back to the reference's distribution: the alert clears, still no event.
  await insertPredictions(db, spreadRows('shifted', '1', 300, at(70), at(119), row(0, 0.5)));
  await again.monitor.check(at(120), { force: true });
  const cleared = (await monitor.report('shifted')).versions[0]?.scores.find((s) => s.feature === 'x' && s.method === 'psi');
  assert.ok(cleared && !cleared.alerting && cleared.clearedAt !== null, JSON.stringify(cleared));
  assert.equal(again.events.length, 0);

  const exposition = await metrics.metrics();
  assert.match(exposition, /umbral_drift_score\{model="shifted",version="1",feature="x",method="psi"\} \d/);
  assert.match(exposition, /umbral_drift_score\{model="steady",version="1",feature="output.class",method="psi"\} \d/);
  assert.doesNotMatch(exposition, /model="ignored"/);
}

describe('drift checks on the embedded database (PGlite)', () => {
  it('alerts once on a shifted window, not on a steady one, and clears when the shift is gone', async () => {
    const db = await openDatabase({ dataDir: testTempDir('umbral-drift-'), databaseUrl: '' });
    try {
      await scenario(db);
    } finally {
      await db.close();
    }
  });
});

describe('drift checks on PostgreSQL', { skip: databaseUrl ? false : NO_POSTGRES }, () => {
  const schemas: string[] = [];
  after(async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });
  const fresh = () => {
    const schema = `umbral_test_${randomBytes(4).toString('hex')}`;
    schemas.push(schema);
    return schema;
  };

  it('alerts once on a shifted window, not on a steady one, and clears when the shift is gone', async () => {
    const db = await openDatabase({ dataDir: testTempDir('umbral-drift-'), databaseUrl, schema: fresh() });
    try {
      await scenario(db);
    } finally {
      await db.close();
    }
  });

  it('scores a served version against its pushed reference: the server shows the scores a check elsewhere made, on /metrics', async () => {
    const schema = fresh();
    const server = await startTestServer({ overrides: { 'store.databaseUrl': databaseUrl, 'store.databaseSchema': schema } });
    const db = await openDatabase({ dataDir: testTempDir('umbral-drift-'), databaseUrl, schema });
    try {
      const patch = await fetch(`${server.url}/admin/models/echo/policy`, {
        method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: JSON.stringify({ drift: { min_samples: 100 } }),
      });
      assert.equal(patch.status, 200, await patch.text());
      const draw = normal(3);
      const reference = Array.from({ length: 500 }, () => referenceLine([draw(0), draw(0), draw(10)])).join('\n');
      assert.equal((await put(`${server.url}/admin/models/echo/versions/1/reference`, reference)).status, 201);
      const now = new Date();
      // fp32[0] moves, fp32[1] and fp32[2] do not.
      await insertPredictions(db, spreadRows('echo', '1', 400, new Date(now.getTime() - 30 * MINUTE), now,
        () => ({ 'fp32[0]': [draw(1.5)], 'fp32[1]': [draw(0)], 'fp32[2]': [draw(10)] })));

      const { monitor, events } = recordingMonitor(db);
      assert.equal(await monitor.check(now), '1 model checked, 1 version scored, 1 alert');
      assert.deepEqual((events[0]?.details?.features as Array<{ feature: string }>).map((f) => f.feature), ['fp32[0]', 'fp32[0]']);

      const drift = await (await fetch(`${server.url}/admin/models/echo/drift`)).json() as {
        settings: { psiThreshold: number }; versions: Array<{ reference: { source: string }; check: { samples: number; outcome: string }; scores: Array<{ feature: string; method: string; alerting: boolean }> }>;
      };
      assert.equal(drift.settings.psiThreshold, 0.2);
      const [version] = drift.versions;
      assert.equal(version?.reference.source, 'dataset');
      assert.deepEqual([version?.check.samples, version?.check.outcome], [400, 'scored']);
      assert.deepEqual(version?.scores.filter((s) => s.alerting).map((s) => `${s.feature}/${s.method}`), ['fp32[0]/ks', 'fp32[0]/psi']);

      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /umbral_drift_score\{model="echo",version="1",feature="fp32\[0\]",method="psi"\} \d/);
      assert.match(metrics, /umbral_drift_score\{model="echo",version="1",feature="fp32\[2\]",method="ks"\} 0\.\d/);
    } finally {
      await db.close();
      await server.shutdown('test over');
    }
  });
});
