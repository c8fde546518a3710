import { randomUUID } from 'node:crypto';
import type { PredictionRecord } from '../../src/mlops/prediction-log/prediction-record.js';
import type { Queryable } from '../../src/store/database.js';

/**
 * A logged prediction as the prediction log writes it: a successful request at `at` with the given
 * prediction and no payload, unless `fields` says otherwise. Tests of feedback, quality and export
 * write these straight into `umbral_predictions`, without the writer.
 */
export function predictionRecord(fields: Partial<PredictionRecord> & Pick<PredictionRecord, 'requestId' | 'model'>): PredictionRecord {
  return {
    id: randomUUID(), version: '1', variant: null, at: new Date().toISOString(), latencyMs: 1.25, principal: 'key:test',
    status: 200, errorCode: null, payload: 'none', inputs: null, outputs: null, prediction: null, features: null, ...fields,
  };
}

/** Inserts records as the writer would (jsonb columns as JSON text), each once. */
export async function insertPredictions(db: Queryable, records: readonly PredictionRecord[]): Promise<void> {
  const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
  for (const r of records) {
    await db.query(
      `INSERT INTO umbral_predictions (id, request_id, model, version, variant, at, latency_ms, principal, status, error_code, payload,
         inputs, outputs, prediction, features)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (id) DO NOTHING`,
      [r.id, r.requestId, r.model, r.version, r.variant, r.at, r.latencyMs, r.principal, r.status, r.errorCode, r.payload,
        json(r.inputs), json(r.outputs), json(r.prediction), json(r.features)]);
  }
}

/** `minutes` before `now`, ISO 8601. */
export const minutesAgo = (now: Date, minutes: number): string => new Date(now.getTime() - minutes * 60_000).toISOString();
