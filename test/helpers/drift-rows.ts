import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../src/store/database.js';

/** A logged prediction as the drift check reads it (the prediction log writer is not needed for that). */
export interface PredictionRow {
  readonly model: string;
  readonly version: string;
  readonly at: Date;
  readonly features: Readonly<Record<string, readonly number[]>> | null;
  readonly status?: number;
}

/** Inserts rows into umbral_predictions (migration 0005) directly, in batches. */
export async function insertPredictions(db: Queryable, rows: readonly PredictionRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 200) {
    const batch = rows.slice(start, start + 200);
    const params: unknown[] = [];
    const values = batch.map((row, i) => {
      params.push(randomUUID(), `req-${randomUUID()}`, row.model, row.version, row.at, row.status ?? 200, row.features === null ? null : JSON.stringify(row.features));
      const p = i * 7;
      return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, 1.5, $${p + 6}, 'none', $${p + 7}::jsonb)`;
    });
    await db.query(
      `INSERT INTO umbral_predictions (id, request_id, model, version, at, latency_ms, status, payload, features) VALUES ${values.join(', ')}`, params);
  }
}

/** `count` rows spread evenly over [from, to), each with the features `features(i)` gives. */
export function spreadRows(model: string, version: string, count: number, from: Date, to: Date,
  features: (i: number) => Record<string, number[]>): PredictionRow[] {
  const step = (to.getTime() - from.getTime()) / count;
  return Array.from({ length: count }, (_, i) => ({ model, version, at: new Date(from.getTime() + i * step), features: features(i) }));
}
