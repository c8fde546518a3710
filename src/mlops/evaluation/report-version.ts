import type { Task } from '../features/summarize-prediction.js';
import type { VersionRecord } from '../../registry/registry.js';
import { evaluationMetrics, percentile, type AnsweredRow } from './evaluation-metrics.js';
import type { RowFailure, VersionReport } from './evaluation-report.js';
import type { NumberedRow } from './read-dataset.js';
import type { RowOutcome } from './run-rows.js';

const MAX_FAILURES_SHOWN = 10;

/** One version's part of a report: its metrics from the rows it answered, its latency, its failures. */
export function reportVersion(task: Task, version: VersionRecord, alias: string | undefined, rows: readonly NumberedRow[], outcomes: readonly RowOutcome[]): VersionReport {
  const failures: RowFailure[] = [];
  const answered: Array<AnsweredRow & { line: number }> = [];
  const latencies: number[] = [];
  outcomes.forEach((outcome, i) => {
    const row = rows[i] as NumberedRow;
    if (!outcome.ok) {
      failures.push({ line: row.line, code: outcome.code, message: outcome.message });
      return;
    }
    answered.push({ line: row.line, outputs: outcome.outputs, expected: row.expected });
    latencies.push(outcome.latencyMs);
  });
  const { metrics, classes, confusion, unusable } = evaluationMetrics(task, version.manifest.labels, answered);
  for (const i of unusable) {
    failures.push({ line: (answered[i] as { line: number }).line, code: 'UMBRAL_ERR_INVALID_REQUEST', message: `the answer lacks the task's output '${task.output ?? 'the first output'}' as a numeric tensor` });
  }
  failures.sort((a, b) => a.line - b.line);
  return {
    version: version.version, ...(alias === undefined ? {} : { alias }), rows: rows.length, failed: failures.length,
    failures: failures.slice(0, MAX_FAILURES_SHOWN), metrics,
    ...(classes ? { classes } : {}), ...(confusion ? { confusion } : {}),
    ...(latencies.length > 0 ? { latencyMs: { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), mean: round(latencies.reduce((a, b) => a + b, 0) / latencies.length) } } : {}),
  };
}

/** Milliseconds to the microsecond: what a report needs, and stable JSON. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
