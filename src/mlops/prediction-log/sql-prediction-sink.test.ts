import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../store/database.js';
import { openDatabase } from '../../store/open-database.js';
import type { PredictionRecord } from './prediction-record.js';
import { SqlPredictionSink } from './sql-prediction-sink.js';

const record = (id: string, requestId: string): PredictionRecord => ({
  id, requestId, model: 'spam', version: '1', variant: null, at: '2025-01-02T03:04:05.000Z', latencyMs: 1.5, principal: 'key:ci',
  status: 200, errorCode: null, payload: 'full', inputs: [{ name: 'text', datatype: 'BYTES', shape: [1], data: ['hi'] }],
  outputs: { sha256: 'ab' }, prediction: [{ class: 'ham', score: 0.9 }], features: { 'text.length': [2] },
});

describe('SQL prediction sink (embedded PGlite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'umbral-sink-'));
  let db: Database;
  before(async () => { db = await openDatabase({ dataDir: dir, databaseUrl: '' }); });
  after(async () => { await db?.close(); rmSync(dir, { recursive: true, force: true }); });

  it('writes a batch in one statement, each record once however often it is sent, jsonb intact', async () => {
    const sink = new SqlPredictionSink(db);
    const batch = [record('00000000-0000-4000-8000-000000000001', 'a'), record('00000000-0000-4000-8000-000000000002', 'b')];
    await sink.write(batch);
    await sink.write([...batch, record('00000000-0000-4000-8000-000000000003', 'c')]);
    const rows = await db.query<{ request_id: string; inputs: unknown; outputs: unknown; prediction: unknown; variant: null }>(
      'SELECT request_id, inputs, outputs, prediction, variant FROM umbral_predictions ORDER BY request_id');
    assert.deepEqual(rows.map((r) => r.request_id), ['a', 'b', 'c']);
    assert.deepEqual(rows[0]?.inputs, batch[0]?.inputs);
    assert.deepEqual(rows[0]?.outputs, { sha256: 'ab' });
    assert.equal(rows[0]?.variant, null);
  });

  it('tells a refused record from an unreachable database', async () => {
    const sink = new SqlPredictionSink(db);
    const refused = await sink.write([record('not-a-uuid', 'x')]).then(() => undefined, (error: unknown) => error);
    assert.ok(refused);
    assert.equal(sink.unavailable(refused), false);
    assert.equal(sink.unavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })), true);
  });
});
