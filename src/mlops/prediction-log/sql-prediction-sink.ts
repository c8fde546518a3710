import type { Queryable } from '../../store/database.js';
import { isConnectionError } from '../../store/connection-error.js';
import { isUmbralError } from '../../errors/umbral-error.js';
import { Errors } from '../../errors/catalogue.js';
import type { PredictionRecord } from './prediction-record.js';
import type { PredictionSink } from './prediction-sink.js';

const COLUMNS = [
  'id', 'request_id', 'model', 'version', 'variant', 'at', 'latency_ms', 'principal', 'status', 'error_code', 'payload',
  'inputs', 'outputs', 'prediction', 'features',
] as const;
/** Casts of the columns whose parameters are sent as text. */
const CASTS: Partial<Record<(typeof COLUMNS)[number], string>> = {
  id: '::uuid', at: '::timestamptz', inputs: '::jsonb', outputs: '::jsonb', prediction: '::jsonb', features: '::jsonb',
};

/** Writes prediction records to `umbral_predictions` (migration 0005): one multi-row INSERT per batch. */
export class SqlPredictionSink implements PredictionSink {
  constructor(private readonly db: Queryable) {}

  async write(records: readonly PredictionRecord[]): Promise<void> {
    if (records.length === 0) return;
    const params: unknown[] = [];
    const rows = records.map((record) => {
      const values = rowOf(record);
      const placeholders = values.map((value, i) => `$${params.push(value)}${CASTS[COLUMNS[i] as (typeof COLUMNS)[number]] ?? ''}`);
      return `(${placeholders.join(', ')})`;
    });
    await this.db.query(`INSERT INTO umbral_predictions (${COLUMNS.join(', ')}) VALUES ${rows.join(', ')} ON CONFLICT (id) DO NOTHING`, params);
  }

  unavailable(error: unknown): boolean {
    return isConnectionError(error) || (isUmbralError(error) && error.code === Errors.storeUnavailable.code);
  }
}

function rowOf(r: PredictionRecord): unknown[] {
  return [
    r.id, r.requestId, r.model, r.version, r.variant, r.at, r.latencyMs, r.principal, r.status, r.errorCode, r.payload,
    json(r.inputs), json(r.outputs), json(r.prediction), json(r.features),
  ];
}

/** jsonb goes as JSON text (the drivers would send a JavaScript array as a PostgreSQL array); null stays SQL NULL. */
function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
