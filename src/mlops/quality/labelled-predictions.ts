import type { Queryable } from '../../store/database.js';
import type { RowPrediction } from '../features/summarize-prediction.js';

/** A logged prediction of one version joined with its label. */
export interface LabelledRow {
  readonly version: string;
  readonly prediction: RowPrediction[];
  readonly label: unknown;
}

export interface LabelledQuery {
  readonly model: string;
  /** Predictions made after `from` and at or before `to`. */
  readonly from: Date;
  readonly to: Date;
  /** One version only; undefined: every version. */
  readonly version?: string;
  /** Most rows per version, the newest first. */
  readonly maxRows: number;
}

/**
 * The model's labelled predictions in a window, at most `maxRows` per version, newest first. A
 * request id logged twice (a client that reused its x-request-id) counts once, by its latest record,
 * the one its feedback was checked against. Failed requests and records without a prediction are
 * left out.
 */
export async function readLabelled(db: Queryable, query: LabelledQuery): Promise<LabelledRow[]> {
  return db.query<LabelledRow>(
    `SELECT version, prediction, label FROM (
       SELECT p.version, p.prediction, f.label,
              row_number() OVER (PARTITION BY p.version ORDER BY p.at DESC, p.id DESC) AS n
       FROM umbral_predictions p
       JOIN umbral_feedback f ON f.model = p.model AND f.request_id = p.request_id
       WHERE p.model = $1 AND p.at > $2 AND p.at <= $3 AND ($4::text IS NULL OR p.version = $4::text)
         AND p.status < 400 AND jsonb_typeof(p.prediction) = 'array'
         AND NOT EXISTS (SELECT 1 FROM umbral_predictions q
                         WHERE q.model = p.model AND q.request_id = p.request_id AND (q.at, q.id) > (p.at, p.id))
     ) ranked
     WHERE n <= $5`,
    [query.model, query.from, query.to, query.version ?? null, query.maxRows]);
}
