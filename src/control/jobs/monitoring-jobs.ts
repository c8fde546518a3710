import type { QualityMonitor } from '../../mlops/quality/quality-monitor.js';
import { prunePredictions, retentionDaysFrom } from '../../mlops/retention/prune-predictions.js';
import type { Registry } from '../../registry/registry.js';
import type { Database } from '../../store/database.js';
import type { Job } from './job.js';

/** `quality-window`: recomputes live quality for the `umbral_quality` gauges (default every 5 minutes). */
export function qualityWindowJob(monitor: Pick<QualityMonitor, 'refresh'>, schedule = '*/5 * * * *'): Job {
  return {
    name: 'quality-window', schedule,
    description: 'live quality per model, version and window, from feedback joined with the prediction log',
    // Windows end when the run starts, not at its due time (a manual run's due time is rounded to the second).
    run: () => monitor.refresh(new Date()),
  };
}

/** `prediction-retention`: deletes records past each model's `prediction_log.retention_days` (default daily, 03:17 UTC). */
export function predictionRetentionJob(db: Database, registry: Pick<Registry, 'listPolicies'>, schedule = '17 3 * * *'): Job {
  return {
    name: 'prediction-retention', schedule,
    description: 'deletes prediction-log records (and their feedback) older than the policy\'s prediction_log.retention_days',
    run: async ({ due, signal }) => prunePredictions(db, due, await retentionDaysFrom(registry), signal),
  };
}
