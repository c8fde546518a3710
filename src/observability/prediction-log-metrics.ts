import { Counter, Gauge, type Registry } from 'prom-client';

/** What happened to a prediction record. */
export type PredictionOutcome = 'written' | 'spilled' | 'replayed' | 'dropped';

/** The prediction log's state, read at each scrape (nothing on the request path). */
export interface PredictionLogState {
  /** Records waiting in memory. */
  queueDepth(): number;
  /** Bytes the spill directory holds. */
  spillBytes(): number;
  /** Whether records go to the spill file because the database cannot be reached. */
  spilling(): boolean;
}

/** What the prediction log reports (src/mlops/prediction-log/). */
export interface PredictionLogMetrics {
  /** `count` records ended as `outcome`. */
  recorded(outcome: PredictionOutcome, count: number): void;
  /** Reads the gauges from `state` at each scrape. */
  watch(state: PredictionLogState): void;
}

/**
 * Registers umbral_prediction_log_records_total{outcome}, umbral_prediction_log_queue_depth,
 * umbral_prediction_log_spill_bytes and umbral_prediction_log_spilling on `registry`.
 */
export function registerPredictionLogMetrics(registry: Registry): PredictionLogMetrics {
  let state: PredictionLogState | undefined;
  const records = new Counter({
    name: 'umbral_prediction_log_records_total',
    help: 'Prediction log records by outcome: written to the database, spilled to disk, replayed from disk, dropped (a bound reached or a record refused).',
    labelNames: ['outcome'] as const, registers: [registry],
  });
  for (const outcome of ['written', 'spilled', 'replayed', 'dropped'] as const) records.inc({ outcome }, 0);
  const gauge = (name: string, help: string, read: (s: PredictionLogState) => number) => new Gauge({
    name, help, registers: [registry],
    collect() { this.set(state ? read(state) : 0); },
  });
  gauge('umbral_prediction_log_queue_depth', 'Prediction log records waiting in memory to be written.', (s) => s.queueDepth());
  gauge('umbral_prediction_log_spill_bytes', 'Bytes of prediction log records in the spill directory, waiting for the database.', (s) => s.spillBytes());
  gauge('umbral_prediction_log_spilling', '1 while prediction log records go to the spill file because the database cannot be reached.', (s) => (s.spilling() ? 1 : 0));
  return {
    recorded: (outcome, count) => records.inc({ outcome }, count),
    watch: (watched) => { state = watched; },
  };
}
