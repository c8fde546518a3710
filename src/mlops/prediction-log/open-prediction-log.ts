import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../../config/schema.js';
import { registerPredictionLogMetrics } from '../../observability/prediction-log-metrics.js';
import type { Queryable } from '../../store/database.js';
import type { EventSink } from '../events/umbral-event.js';
import { PredictionLog } from './prediction-log.js';
import type { PredictionRecord } from './prediction-record.js';
import { SpillFile } from './spill-file.js';
import { SqlPredictionSink } from './sql-prediction-sink.js';

export interface OpenPredictionLogOptions {
  readonly config: Pick<Config, 'predictionLog' | 'store'>;
  readonly db: Queryable;
  readonly logger: Logger;
  /** Where its metrics are registered. */
  readonly registry: Registry;
  readonly events?: EventSink;
}

/**
 * The server's prediction log: the database as sink, the spill directory (`predictionLog.spillDir`,
 * default `<dataDir>/prediction-spill`) opened, and what a previous process spilled queued for replay.
 */
export async function openPredictionLog(options: OpenPredictionLogOptions): Promise<PredictionLog> {
  const settings = options.config.predictionLog;
  const dir = settings.spillDir || join(options.config.store.dataDir, 'prediction-spill');
  // A directory that cannot be opened does not stop the server: records the database cannot take are then dropped, counted.
  const spill = await SpillFile.open<PredictionRecord>({ dir, maxBytes: settings.spillMaxBytes }).catch((error: unknown) => {
    options.logger.error({ err: error, dir }, 'prediction log spill directory cannot be opened: while the database is unreachable, records will be dropped');
    return undefined;
  });
  if (spill && !spill.empty) options.logger.info({ bytes: spill.bytes }, 'prediction log records spilled by a previous run: replaying them');
  return new PredictionLog({
    ...settings, ...(spill ? { spill } : {}), sink: new SqlPredictionSink(options.db), logger: options.logger,
    metrics: registerPredictionLogMetrics(options.registry), ...(options.events ? { events: options.events } : {}),
  });
}
