import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../src/store/database.js';
import { insertPredictions as insertRecords, predictionRecord } from './prediction-rows.js';

/** A logged prediction as the drift check reads it (the prediction log writer is not needed for that). */
export interface PredictionRow {
  readonly model: string;
  readonly version: string;
  readonly at: Date;
  readonly features: Readonly<Record<string, readonly number[]>> | null;
  readonly status?: number;
}

/** Inserts rows into umbral_predictions (migration 0005) as the prediction log writes them. */
export async function insertPredictions(db: Queryable, rows: readonly PredictionRow[]): Promise<void> {
  await insertRecords(db, rows.map((row) => predictionRecord({
    model: row.model, version: row.version, requestId: `req-${randomUUID()}`, at: row.at.toISOString(), status: row.status ?? 200, features: row.features,
  })));
}

/** `count` rows spread evenly over [from, to), each with the features `features(i)` gives. */
export function spreadRows(model: string, version: string, count: number, from: Date, to: Date,
  features: (i: number) => Record<string, number[]>): PredictionRow[] {
  const step = (to.getTime() - from.getTime()) / count;
  return Array.from({ length: count }, (_, i) => ({ model, version, at: new Date(from.getTime() + i * step), features: features(i) }));
}
