import { randomUUID } from 'node:crypto';
import type { PredictionRecord } from '../../src/mlops/prediction-log/prediction-record.js';
import { SqlPredictionSink } from '../../src/mlops/prediction-log/sql-prediction-sink.js';
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

/** Inserts records with the prediction log's own sink, as the writer does, each once. */
export async function insertPredictions(db: Queryable, records: readonly PredictionRecord[]): Promise<void> {
  await new SqlPredictionSink(db).write(records);
}

/** `minutes` before `now`, ISO 8601. */
export const minutesAgo = (now: Date, minutes: number): string => new Date(now.getTime() - minutes * 60_000).toISOString();
