import type { Queryable } from '../../store/database.js';
import type { PredictionRecord } from '../prediction-log/prediction-record.js';

/** What an export selects: one model's records in a time range, of one version or all. */
export interface ExportQuery {
  readonly model: string;
  /** Records at or after `from`; undefined: from the first. */
  readonly from?: Date;
  /** Records before `to`; undefined: up to the last. */
  readonly to?: Date;
  readonly version?: string;
  /** Rows per query (default 1,000): memory holds one page at a time. */
  readonly pageSize?: number;
}

/** One record of the prediction log as exported (as the log wrote it), with the label fed back for its request id, if any. */
export interface ExportedPrediction extends PredictionRecord {
  readonly label: unknown;
  readonly labelledBy: string | null;
  /** ISO 8601; null without a label. */
  readonly labelledAt: string | null;
}

interface Row {
  id: string; request_id: string; model: string; version: string; variant: string | null; at: Date | string; cursor_at: string;
  latency_ms: number | string; principal: string | null; status: number | string; error_code: string | null;
  payload: PredictionRecord['payload']; inputs: unknown; outputs: unknown; prediction: PredictionRecord['prediction'];
  features: PredictionRecord['features']; label: unknown; labelled_by: string | null; labelled_at: Date | string | null;
}

const DEFAULT_PAGE = 1000;

/**
 * The selected records, oldest first, page by page: keyset pagination on (at, id), so each page is
 * one indexed query however deep the export goes, and a record written meanwhile is neither skipped
 * nor repeated. The cursor keeps the database's own text of `at` (microseconds), not a JS Date.
 */
export async function* readPredictionPages(db: Queryable, query: ExportQuery): AsyncGenerator<ExportedPrediction[]> {
  const pageSize = query.pageSize ?? DEFAULT_PAGE;
  let cursor: { at: string; id: string } | undefined;
  for (;;) {
    const rows = await db.query<Row>(
      `SELECT p.id, p.request_id, p.model, p.version, p.variant, p.at, p.at::text AS cursor_at, p.latency_ms, p.principal,
              p.status, p.error_code, p.payload, p.inputs, p.outputs, p.prediction, p.features,
              f.label, f.actor AS labelled_by, f.at AS labelled_at
       FROM umbral_predictions p
       LEFT JOIN umbral_feedback f ON f.model = p.model AND f.request_id = p.request_id
       WHERE p.model = $1 AND ($2::timestamptz IS NULL OR p.at >= $2::timestamptz) AND ($3::timestamptz IS NULL OR p.at < $3::timestamptz)
         AND ($4::text IS NULL OR p.version = $4::text)
         AND ($5::timestamptz IS NULL OR (p.at, p.id) > ($5::timestamptz, $6::uuid))
       ORDER BY p.at, p.id
       LIMIT $7`,
      [query.model, query.from ?? null, query.to ?? null, query.version ?? null, cursor?.at ?? null, cursor?.id ?? null, pageSize]);
    if (rows.length > 0) yield rows.map(exported);
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1] as Row;
    cursor = { at: last.cursor_at, id: last.id };
  }
}

function exported(row: Row): ExportedPrediction {
  return {
    id: row.id, requestId: row.request_id, model: row.model, version: row.version, variant: row.variant,
    at: new Date(row.at).toISOString(), latencyMs: Number(row.latency_ms), principal: row.principal, status: Number(row.status),
    errorCode: row.error_code, payload: row.payload, inputs: row.inputs ?? null, outputs: row.outputs ?? null,
    prediction: row.prediction ?? null, features: row.features ?? null, label: row.label ?? null,
    labelledBy: row.labelled_by, labelledAt: row.labelled_at === null ? null : new Date(row.labelled_at).toISOString(),
  };
}
