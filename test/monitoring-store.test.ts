import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Registry as MetricsRegistry } from 'prom-client';
import pg from 'pg';
import { loadConfig } from '../src/config/load-config.js';
import { isUmbralError } from '../src/errors/umbral-error.js';
import { readPredictionPages, type ExportedPrediction } from '../src/mlops/prediction-export/prediction-pages.js';
import { openLiveQuality, type LiveQuality } from '../src/mlops/quality/open-live-quality.js';
import { prunePredictions, retentionDaysFrom } from '../src/mlops/retention/prune-predictions.js';
import { manifestSchema } from '../src/model/manifest.js';
import { SqlRegistry } from '../src/registry/sql-registry.js';
import type { Database } from '../src/store/database.js';
import { openDatabase } from '../src/store/open-database.js';
import { insertPredictions, minutesAgo, predictionRecord } from './helpers/prediction-rows.js';
import { testTempDir } from './helpers/temp-dir.js';

/*
 * Feedback, live quality, the export's pages and retention against the store itself: the same SQL on
 * embedded PGlite and, when DATABASE_URL is set, on PostgreSQL (a schema of its own, dropped after).
 */
const databaseUrl = loadConfig().store.databaseUrl;
const now = new Date();

monitoringStore('PGlite', async () => ({ db: await openDatabase({ dataDir: testTempDir('umbral-monitoring-'), databaseUrl: '' }), drop: async () => undefined }));
monitoringStore('PostgreSQL', async () => {
  const schema = `umbral_test_${randomBytes(4).toString('hex')}`;
  const db = await openDatabase({ dataDir: testTempDir('umbral-monitoring-'), databaseUrl, schema });
  return {
    db,
    drop: async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}, databaseUrl ? false : 'DATABASE_URL is not set: the PostgreSQL run of these queries is skipped (PGlite ran them)');

function monitoringStore(name: string, open: () => Promise<{ db: Database; drop: () => Promise<void> }>, skip: string | false = false): void {
  describe(`feedback, quality, export and retention on ${name}`, { skip }, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let live: LiveQuality;
    let registry: SqlRegistry;
    const metrics = new MetricsRegistry();

    before(async () => {
      ({ db, drop } = await open());
      registry = new SqlRegistry(db);
      for (const [model, manifest] of [
        ['clf', { outputs: [{ name: 'probabilities' }], labels: { probabilities: ['ham', 'spam'] } }],
        ['reg', { task: { type: 'regression' }, outputs: [{ name: 'y' }] }],
        ['rank', { task: { type: 'ranking', k: 2 }, outputs: [{ name: 'ids' }] }],
      ] as const) {
        await registry.createModel(model, null, 'test');
        await registry.addVersion(model, { artifactSha256: randomBytes(32).toString('hex'), artifactSize: 1, manifest: manifestSchema.parse(manifest) }, 'test');
      }
      live = openLiveQuality({ db, registry, metrics, windows: ['1h', '24h'], maxRows: 1000 });
      const cls = (c: string) => [{ class: c, score: 0.9 }];
      await insertPredictions(db, [
        // clf version 1 in the last hour: predicted spam, spam, ham, ham; a fifth two hours ago.
        predictionRecord({ model: 'clf', requestId: 'c1', at: minutesAgo(now, 5), prediction: cls('spam') }),
        predictionRecord({ model: 'clf', requestId: 'c2', at: minutesAgo(now, 6), prediction: cls('spam') }),
        predictionRecord({ model: 'clf', requestId: 'c3', at: minutesAgo(now, 7), prediction: cls('ham') }),
        predictionRecord({ model: 'clf', requestId: 'c4', at: minutesAgo(now, 8), prediction: cls('ham') }),
        predictionRecord({ model: 'clf', requestId: 'c5', at: minutesAgo(now, 120), prediction: cls('spam') }),
        predictionRecord({ model: 'clf', requestId: 'multi', at: minutesAgo(now, 9), prediction: [...cls('ham'), ...cls('spam')] }),
        predictionRecord({ model: 'reg', requestId: 'r1', at: minutesAgo(now, 3), prediction: [{ value: 3 }] }),
        predictionRecord({ model: 'reg', requestId: 'r2', at: minutesAgo(now, 4), prediction: [{ value: 1 }] }),
        predictionRecord({ model: 'rank', requestId: 'k1', at: minutesAgo(now, 3), prediction: [{ ranked: ['a', 'b'] }] }),
        predictionRecord({ model: 'rank', requestId: 'k2', at: minutesAgo(now, 3), prediction: [{ ranked: ['c', 'd'] }] }),
        // Logged ten days ago: past a retention of 7 days.
        predictionRecord({ model: 'reg', requestId: 'old', at: minutesAgo(now, 10 * 24 * 60), prediction: [{ value: 5 }] }),
      ]);
    });
    after(async () => {
      await db?.close();
      await drop?.();
    });

    it('records labels checked against each version\'s task, replacing an earlier label', async () => {
      const outcomes = await live.feedback.record('clf', [
        { requestId: 'c1', label: 'spam' }, { requestId: 'c2', label: 0 }, { requestId: 'c3', label: 'ham' }, { requestId: 'c4', label: 'ham' },
        { requestId: 'c5', label: 'ham' }, { requestId: 'multi', label: ['ham', 'ham'] },
        { requestId: 'nobody', label: 'spam' }, { requestId: 'c1', label: 'eggs' },
      ], 'key:labeller');
      assert.deepEqual(outcomes.map((o) => (o.accepted ? 'ok' : o.error.code)), [
        'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'UMBRAL_ERR_PREDICTION_NOT_FOUND', 'UMBRAL_ERR_LABEL_TYPE_MISMATCH',
      ]);
      // c4 corrected: its earlier 'ham' is replaced.
      assert.ok((await live.feedback.record('clf', [{ requestId: 'c4', label: 'spam' }], 'key:fixer'))[0]?.accepted);
      const [stored] = await db.query<{ label: unknown; actor: string }>(`SELECT label, actor FROM umbral_feedback WHERE model = 'clf' AND request_id = 'c4'`);
      assert.deepEqual(stored, { label: 'spam', actor: 'key:fixer' });
      await assert.rejects(live.feedback.record('nope', [{ requestId: 'c1', label: 1 }], 'x'), (e) => isUmbralError(e) && e.code === 'UMBRAL_ERR_MODEL_NOT_FOUND');

      const regression = await live.feedback.record('reg', [{ requestId: 'r1', label: 1 }, { requestId: 'r2', label: 'two' }, { requestId: 'old', label: 5 }], 'x');
      assert.deepEqual(regression.map((o) => o.accepted), [true, false, true]);
      assert.ok(regression[1] && !regression[1].accepted && /a finite number \(regression\)/.test(regression[1].error.message));
      await live.feedback.record('reg', [{ requestId: 'r2', label: 2 }], 'x');
      await live.feedback.record('rank', [{ requestId: 'k1', label: ['b'] }, { requestId: 'k2', label: ['z'] }], 'x');
    });

    it('computes quality per version and window, and replaces the gauges', async () => {
      // clf, last hour: (spam,spam) (spam,ham) (ham,ham) (ham,spam) + multi (ham,ham) (spam,ham): 3 of 6 right.
      const [hour] = await live.monitor.report('clf', { window: '1h' }, now);
      assert.equal(hour?.samples, 6);
      assert.equal(hour?.predictions, 5);
      assert.equal(hour?.metrics.accuracy, 0.5);
      // spam: tp 1, fp 2, fn 1; ham: tp 2, fp 1, fn 2.
      assert.equal(hour?.metrics['precision:spam'], 1 / 3);
      assert.equal(hour?.metrics['recall:ham'], 0.5);
      const [day] = await live.monitor.report('clf', { window: '24h' }, now);
      assert.equal(day?.samples, 7, 'c5, two hours old, is in the 24h window only');
      assert.equal((await live.monitor.report('clf', { window: '1h', version: '2' }, now)).length, 0);

      const [reg] = await live.monitor.report('reg', { window: '1h' }, now);
      assert.deepEqual([reg?.task, reg?.metrics], ['regression', { mae: 1.5, rmse: Math.sqrt((4 + 1) / 2) }]);
      const [rank] = await live.monitor.report('rank', { window: '1h' }, now);
      assert.equal(rank?.metrics['hit_rate@2'], 0.5);

      assert.match(await live.monitor.refresh(now), /^3 model\(s\), 3 version\(s\)/);
      const text = await metrics.metrics();
      assert.match(text, /umbral_quality\{model="clf",version="1",metric="accuracy",window="1h"\} 0\.5/);
      assert.match(text, /umbral_quality_samples\{model="clf",version="1",window="24h"\} 7/);
      assert.match(text, /umbral_quality\{model="reg",version="1",metric="mae",window="1h"\} 1\.5/);
    });

    it('pages the export by (at, id), oldest first, with labels, filtered by time and version', async () => {
      const all: ExportedPrediction[] = [];
      let pages = 0;
      for await (const page of readPredictionPages(db, { model: 'clf', pageSize: 2 })) {
        pages++;
        all.push(...page);
      }
      assert.equal(pages, 3);
      assert.deepEqual(all.map((r) => r.requestId), ['c5', 'multi', 'c4', 'c3', 'c2', 'c1']);
      assert.deepEqual(all.find((r) => r.requestId === 'c4')?.label, 'spam');
      assert.equal(all.find((r) => r.requestId === 'c4')?.labelledBy, 'key:fixer');

      const ranged: string[] = [];
      for await (const page of readPredictionPages(db, { model: 'clf', from: new Date(minutesAgo(now, 8)), to: new Date(minutesAgo(now, 5)), pageSize: 1 })) {
        ranged.push(...page.map((r) => r.requestId));
      }
      assert.deepEqual(ranged, ['c4', 'c3', 'c2'], 'from inclusive, to exclusive');
      const none = [];
      for await (const page of readPredictionPages(db, { model: 'clf', version: '9' })) none.push(page);
      assert.equal(none.length, 0);
    });

    it('prunes records past their model\'s retention, with their labels', async () => {
      await registry.setPolicy('reg', { prediction_log: { sample_rate: 1, retention_days: 7 } }, 'test');
      await registry.setPolicy('clf', { prediction_log: { sample_rate: 1 } }, 'test');
      const retention = await retentionDaysFrom(registry);
      assert.deepEqual([retention('reg'), retention('clf'), retention('rank')], [7, undefined, undefined]);
      const summary = await prunePredictions(db, now, retention);
      assert.match(summary, /^1 prediction\(s\) and 1 label\(s\) past retention deleted \(reg 1\)$/);
      const left = await db.query<{ request_id: string }>(`SELECT request_id FROM umbral_predictions WHERE model = 'reg' ORDER BY request_id`);
      assert.deepEqual(left.map((r) => r.request_id), ['r1', 'r2']);
      assert.equal((await db.query(`SELECT 1 FROM umbral_feedback WHERE model = 'reg' AND request_id = 'old'`)).length, 0);
      assert.equal(await prunePredictions(db, now, () => 7), 'no prediction past its retention');
    });
  });
}
