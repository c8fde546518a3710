import { BENCH_MODELS } from './bench-repository.js';
import { perSecond, type BenchResults } from './bench-results.js';
import { formatMs, formatRate, formatRatio } from './format.js';

/** One of the goals, judged on this run's numbers. */
export interface TargetCheck {
  readonly target: string;
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean;
}

const SMALL_MIN_RATIO = 0.6;
const RAW_MIN_RATIO = 0.8;
const BATCHING_MIN_GAIN = 3;
const LAG_P99_MAX_MS = 20;
/** prom-client's monitorEventLoopDelay resolution: each recorded delay includes this interval. */
export const LAG_RESOLUTION_MS = 10;

export function checkTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const row of results.small.filter((r) => r.model === BENCH_MODELS.spam)) {
    const ratio = perSecond(row.umbral) / perSecond(row.bare);
    checks.push({
      target: `small model (${row.model}), concurrency ${row.concurrency}: req/s vs the bare fastify route`,
      goal: `≥ ${formatRatio(SMALL_MIN_RATIO)}`,
      measured: `${formatRatio(ratio)} (${formatRate(perSecond(row.umbral))} vs ${formatRate(perSecond(row.bare))} req/s)${errorNote(row.umbral.errors)}`,
      met: ratio >= SMALL_MIN_RATIO && row.umbral.errors === 0,
    });
  }
  const { batched, unbatched, rawAtBatched } = results.heavy;
  const vsRaw = perSecond(batched.load) / rawAtBatched.result.rowsPerSecond;
  checks.push({
    target: `heavy model, batching on, concurrency 64: rows/s vs raw onnxruntime at batch ${rawAtBatched.batchSize}`,
    goal: `≥ ${formatRatio(RAW_MIN_RATIO)}`,
    measured: `${formatRatio(vsRaw)} (${formatRate(perSecond(batched.load))} vs ${formatRate(rawAtBatched.result.rowsPerSecond)} rows/s)${errorNote(batched.load.errors)}`,
    met: vsRaw >= RAW_MIN_RATIO && batched.load.errors === 0,
  });
  const gain = perSecond(batched.load) / perSecond(unbatched.load);
  checks.push({
    target: 'heavy model, concurrency 64: batching on vs batching off',
    goal: `≥ ${formatRatio(BATCHING_MIN_GAIN)}`,
    measured: `${formatRatio(gain)} (${formatRate(perSecond(batched.load))} vs ${formatRate(perSecond(unbatched.load))} rows/s)${errorNote(unbatched.load.errors)}`,
    met: gain >= BATCHING_MIN_GAIN && batched.load.errors === 0 && unbatched.load.errors === 0,
  });
  const lag = batched.server.lagP99Ms;
  checks.push({
    target: 'event-loop lag p99 during the heavy load (batching on), umbral_nodejs_eventloop_lag_p99_seconds',
    goal: `< ${LAG_P99_MAX_MS} ms`,
    measured: `${formatMs(lag)} ms as exported (${formatMs(lag - LAG_RESOLUTION_MS)} ms beyond the ${LAG_RESOLUTION_MS} ms sampling interval); /health/live probe p99 ${formatMs(batched.probe.latency.p99)} ms`,
    met: lag < LAG_P99_MAX_MS,
  });
  return checks;
}

function errorNote(errors: number): string {
  return errors > 0 ? `, ${errors} failed requests` : '';
}
