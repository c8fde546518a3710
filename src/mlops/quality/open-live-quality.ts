import type { Registry as MetricsRegistry } from 'prom-client';
import { registerQualityMetrics } from '../../observability/quality-metrics.js';
import type { Registry } from '../../registry/registry.js';
import type { Database } from '../../store/database.js';
import { AbReport } from '../ab-report/ab-report.js';
import { FeedbackService, type PendingPredictions } from '../feedback/feedback-service.js';
import { QualityMonitor } from './quality-monitor.js';
import { VersionTasks } from './version-tasks.js';

/** Feedback in, live quality out: the two share what they know of each version's task. */
export interface LiveQuality {
  readonly feedback: FeedbackService;
  readonly monitor: QualityMonitor;
  /** Per-variant requests, error rate and quality of a split model (docs/guides/traffic.md). */
  readonly abReport: AbReport;
}

export interface LiveQualityOptions {
  readonly db: Database;
  readonly registry: Pick<Registry, 'getModel' | 'getVersion' | 'listModels' | 'getPolicy'>;
  /** Where the gauges are registered (the server's Metrics registry). */
  readonly metrics: MetricsRegistry;
  /** `config.quality`. */
  readonly windows: readonly string[];
  readonly maxRows: number;
  /** The prediction log's buffer, flushed before feedback looks a request id up. */
  readonly pending?: PendingPredictions;
}

export function openLiveQuality(options: LiveQualityOptions): LiveQuality {
  const { db, registry } = options;
  const tasks = new VersionTasks(registry);
  return {
    feedback: new FeedbackService({ db, registry, tasks, ...(options.pending ? { pending: options.pending } : {}) }),
    monitor: new QualityMonitor({
      db, registry, tasks, gauges: registerQualityMetrics(options.metrics), windows: options.windows, maxRows: options.maxRows,
    }),
    abReport: new AbReport({ db, registry, tasks, maxRows: options.maxRows, ...(options.pending ? { pending: options.pending } : {}) }),
  };
}
