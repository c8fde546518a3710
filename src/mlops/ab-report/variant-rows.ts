import type { Queryable } from '../../store/database.js';
import type { RowPrediction } from '../features/summarize-prediction.js';

/** What one variant answered in a window, per version that served it (an alias may have moved). */
export interface VariantCount {
  readonly variant: string;
  readonly version: string;
  readonly requests: number;
  /** Answered 5xx: the variant failed. */
  readonly errors: number;
  /** Answered 4xx: refused as the client's mistake. */
  readonly client_errors: number;
}

/** A logged prediction of a variant joined with its label. */
export interface VariantLabelledRow {
  readonly variant: string;
  readonly version: string;
  readonly prediction: RowPrediction[];
  readonly label: unknown;
}

export interface VariantWindow {
  readonly model: string;
  readonly from: Date;
  readonly to: Date;
}

/** The model's logged requests in the window that a split assigned, counted by variant and version. */
export async function countVariants(db: Queryable, window: VariantWindow): Promise<VariantCount[]> {
  const rows = await db.query<{ variant: string; version: string; requests: string | number; errors: string | number; client_errors: string | number }>(
    `SELECT variant, version, count(*) AS requests,
            count(*) FILTER (WHERE status >= 500) AS errors,
            count(*) FILTER (WHERE status >= 400 AND status < 500) AS client_errors
     FROM umbral_predictions
     WHERE model = $1 AND at > $2 AND at <= $3 AND variant IS NOT NULL
     GROUP BY variant, version`,
    [window.model, window.from, window.to]);
  return rows.map((row) => ({
    variant: row.variant, version: row.version, requests: Number(row.requests), errors: Number(row.errors), client_errors: Number(row.client_errors),
  }));
}

/**
 * The variants' labelled predictions in the window, at most `maxRows` per variant, newest first;
 * a request id logged twice counts once, by its latest record (as live quality reads them).
 */
export async function readVariantLabelled(db: Queryable, window: VariantWindow, maxRows: number): Promise<VariantLabelledRow[]> {
  return db.query<VariantLabelledRow>(
    `SELECT variant, version, prediction, label FROM (
       SELECT p.variant, p.version, p.prediction, f.label,
              row_number() OVER (PARTITION BY p.variant ORDER BY p.at DESC, p.id DESC) AS n
       FROM umbral_predictions p
       JOIN umbral_feedback f ON f.model = p.model AND f.request_id = p.request_id
       WHERE p.model = $1 AND p.at > $2 AND p.at <= $3 AND p.variant IS NOT NULL
         AND p.status < 400 AND jsonb_typeof(p.prediction) = 'array'
         AND NOT EXISTS (SELECT 1 FROM umbral_predictions q
                         WHERE q.model = p.model AND q.request_id = p.request_id AND (q.at, q.id) > (p.at, p.id))
     ) ranked
     WHERE n <= $4`,
    [window.model, window.from, window.to, maxRows]);
}
