import type { ExportedPrediction } from './prediction-pages.js';

/** The formats of `GET /admin/models/{m}/predictions` and `umbral predictions export`. */
export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_MEDIA_TYPES: Readonly<Record<ExportFormat, string>> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** CSV columns, in order: the record's fields in snake_case, JSON-valued ones as JSON text. */
const COLUMNS: ReadonlyArray<readonly [string, keyof ExportedPrediction]> = [
  ['id', 'id'], ['request_id', 'requestId'], ['model', 'model'], ['version', 'version'], ['variant', 'variant'], ['at', 'at'],
  ['latency_ms', 'latencyMs'], ['principal', 'principal'], ['status', 'status'], ['error_code', 'errorCode'], ['payload', 'payload'],
  ['inputs', 'inputs'], ['outputs', 'outputs'], ['prediction', 'prediction'], ['features', 'features'],
  ['label', 'label'], ['labelled_by', 'labelledBy'], ['labelled_at', 'labelledAt'],
];

/** What comes before the first record: CSV's header line; nothing for JSON lines. */
export function exportHeader(format: ExportFormat): string {
  return format === 'csv' ? `${COLUMNS.map(([name]) => name).join(',')}\r\n` : '';
}

/** One page of records in the format: one JSON object per line, or RFC 4180 CSV rows. */
export function exportPage(format: ExportFormat, page: readonly ExportedPrediction[]): string {
  if (format === 'jsonl') return page.map((record) => `${JSON.stringify(record)}\n`).join('');
  return page.map((record) => `${COLUMNS.map(([, field]) => csvCell(record[field])).join(',')}\r\n`).join('');
}

/** A cell: empty for null, text as is, anything else as JSON; quoted when it holds a comma, quote or line break. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
