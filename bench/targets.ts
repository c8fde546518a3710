import { openRate, type AccessRow } from './access-bench.js';
import { BENCH_MODELS } from './bench-repository.js';
import { CHURN_MAX_BYTES } from './cache-bench.js';
import { perSecond, type BenchResults } from './bench-results.js';
import { formatMs, formatRate, formatRatio, formatSeconds } from './format.js';
import { rowsPerSecond, type HeavyRun, type RawRun } from './heavy-model-bench.js';
import { median } from './latency-summary.js';
import { servedWithinTarget } from './overload-bench.js';
import type { PredictionLogRow } from './prediction-log-bench.js';

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
const START_EXISTING_MAX_MS = 1_500;
const PROXY_MIN_RATIO = 0.8;
const ADDED_P50_MAX_MS = 0.5;
const FAILURE_MIN_RATIO = 0.5;
/** Access control is checked in memory: it may cost at most a tenth of the throughput. */
const ACCESS_MIN_RATIO = 0.9;
const CACHE_HIT_MIN_RATIO = 0.7;
/** Past twice its size written, the LRU's live memory may not grow by more than this share (GC noise)… */
const CHURN_MAX_LATE_GROWTH = 0.1;
/** …and never holds more than this many times max_bytes (string headers, the LRU's own slots). */
const CHURN_MAX_OVER_BOUND = 2;
/** Under overload with an admission target, the share of accepted requests the server answers within it. */
const OVERLOAD_WITHIN_TARGET_MIN = 0.99;
/** Every request in the prediction log may cost at most a tenth of the small model's throughput. */
const PREDICTION_LOG_MIN_RATIO = 0.9;

export function checkTargets(results: BenchResults): TargetCheck[] {
  const { batched, unbatched, batchedMultiRow, rawAtBatched, rawAtMultiRow } = results.heavy;
  return [
    ...results.small.filter((r) => r.model === BENCH_MODELS.spam).map((row): TargetCheck => {
      const ratio = perSecond(row.umbral) / perSecond(row.bare);
      return {
        target: `small model (${row.model}), concurrency ${row.concurrency}: req/s vs the bare fastify route`,
        goal: `≥ ${formatRatio(SMALL_MIN_RATIO)}`,
        measured: `${formatRatio(ratio)} (${formatRate(perSecond(row.umbral))} vs ${formatRate(perSecond(row.bare))} req/s)${errorNote(row.umbral.errors)}`,
        met: ratio >= SMALL_MIN_RATIO && row.umbral.errors === 0,
      };
    }),
    vsRaw(batched, rawAtBatched),
    vsRaw(batchedMultiRow, rawAtMultiRow),
    batchingGain(batched, unbatched),
    lagTarget(batched),
    ...results.access.filter((r) => r.concurrency === 64).map(accessTarget),
    ...results.predictionLog.filter((r) => r.concurrency === 64).map(predictionLogTarget),
    ...upstreamTargets(results),
    ...cacheTargets(results),
    ...overloadTargets(results),
    startupTarget(results),
  ];
}

function vsRaw(run: HeavyRun, raw: RawRun): TargetCheck {
  const ratio = rowsPerSecond(run) / raw.result.rowsPerSecond;
  const shape = run.rowsPerRequest === 1 ? 'one row per request' : `${run.rowsPerRequest} rows per request`;
  return {
    target: `heavy model, batching on, concurrency 64, ${shape}: rows/s vs raw onnxruntime at batch ${raw.batchSize}`,
    goal: `≥ ${formatRatio(RAW_MIN_RATIO)}`,
    measured: `${formatRatio(ratio)} (${formatRate(rowsPerSecond(run))} vs ${formatRate(raw.result.rowsPerSecond)} rows/s)${errorNote(run.load.errors)}`,
    met: ratio >= RAW_MIN_RATIO && run.load.errors === 0,
  };
}

function batchingGain(batched: HeavyRun, unbatched: HeavyRun): TargetCheck {
  const gain = rowsPerSecond(batched) / rowsPerSecond(unbatched);
  return {
    target: 'heavy model, concurrency 64, one row per request: batching on vs batching off',
    goal: `≥ ${formatRatio(BATCHING_MIN_GAIN)}`,
    measured: `${formatRatio(gain)} (${formatRate(rowsPerSecond(batched))} vs ${formatRate(rowsPerSecond(unbatched))} rows/s)${errorNote(unbatched.load.errors)}`,
    met: gain >= BATCHING_MIN_GAIN && batched.load.errors === 0 && unbatched.load.errors === 0,
  };
}

function lagTarget(batched: HeavyRun): TargetCheck {
  const lag = batched.server.lagP99Ms;
  return {
    target: 'event-loop lag p99 during the heavy load (batching on, one row per request), umbral_nodejs_eventloop_lag_p99_seconds',
    goal: `< ${LAG_P99_MAX_MS} ms`,
    measured: `${formatMs(lag)} ms (sampled every 1 ms); /health/live probe p99 ${formatMs(batched.probe.latency.p99)} ms`,
    met: lag < LAG_P99_MAX_MS,
  };
}

function accessTarget(row: AccessRow): TargetCheck {
  const ratio = perSecond(row.secured) / openRate(row);
  return {
    target: `access control, ${row.credential}, echo model, concurrency 64: req/s vs access control off`,
    goal: `≥ ${formatRatio(ACCESS_MIN_RATIO)}`,
    measured: `${formatRatio(ratio)} (${formatRate(perSecond(row.secured))} vs ${formatRate(openRate(row))} req/s)${errorNote(row.secured.errors)}`,
    met: ratio >= ACCESS_MIN_RATIO && row.secured.errors === 0,
  };
}

function predictionLogTarget(row: PredictionLogRow): TargetCheck {
  const ratio = perSecond(row.logged) / perSecond(row.off);
  return {
    target: `prediction log at 100 % (payload full), ${BENCH_MODELS.spam}, concurrency ${row.concurrency}, ${row.store === 'postgres' ? 'PostgreSQL server' : 'embedded store'}: req/s vs logging off`,
    goal: `≥ ${formatRatio(PREDICTION_LOG_MIN_RATIO)}`,
    measured: `${formatRatio(ratio)} (${formatRate(perSecond(row.logged))} vs ${formatRate(perSecond(row.off))} req/s)${errorNote(row.logged.errors)}`,
    met: ratio >= PREDICTION_LOG_MIN_RATIO && row.logged.errors === 0,
  };
}

function startupTarget(results: BenchResults): TargetCheck {
  const { existing } = results.startup;
  const ready = median(existing.map((s) => s.readyMs));
  return {
    target: 'start-up with an existing data directory (spawn → first 200 of /v2/health/ready, spam-classifier only)',
    goal: `≤ ${START_EXISTING_MAX_MS / 1000} s`,
    measured: `${formatSeconds(ready)} s (median of ${existing.length} starts: ${existing.map((s) => formatSeconds(s.readyMs)).join(', ')} s)`,
    met: ready <= START_EXISTING_MAX_MS,
  };
}

/** Cache hits against the bare route, and the LRU's memory bounded under churn. */
function cacheTargets(results: BenchResults): TargetCheck[] {
  const { hits, churn } = results.cache;
  const checks = hits.map((row): TargetCheck => {
    const ratio = perSecond(row.umbral) / perSecond(row.bare);
    return {
      target: `cache hits (spam-classifier-cached), concurrency ${row.concurrency}: req/s vs a bare fastify route returning the same JSON`,
      goal: `≥ ${formatRatio(CACHE_HIT_MIN_RATIO)}`,
      measured: `${formatRatio(ratio)} (${formatRate(perSecond(row.umbral))} vs ${formatRate(perSecond(row.bare))} req/s)${errorNote(row.umbral.errors)}`,
      met: ratio >= CACHE_HIT_MIN_RATIO && row.umbral.errors === 0,
    };
  });
  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  const heap = churn.samples.map((s) => s.heapBytes - churn.baselineHeapBytes);
  const early = heap[churn.samples.findIndex((s) => s.written === 2)] ?? heap[0] ?? 0;
  const peak = Math.max(...heap);
  const peakRss = Math.max(...churn.samples.map((s) => s.rssBytes - churn.baselineRssBytes));
  const last = churn.samples.at(-1)?.written ?? 0;
  checks.push({
    target: `memory LRU (max_bytes ${mib(CHURN_MAX_BYTES)} MiB) under a churn of unique keys, ${last}× its size written: memory bounded by the setting`,
    goal: `heap in use (after GC) ≤ ${CHURN_MAX_OVER_BOUND}× max_bytes, and ≤ +${CHURN_MAX_LATE_GROWTH * 100} % from 2× to ${last}× written`,
    measured: `+${mib(early)} MiB at 2×, at most +${mib(peak)} MiB (${formatRatio(peak / CHURN_MAX_BYTES)} max_bytes); resident memory at most +${mib(peakRss)} MiB`,
    met: peak <= CHURN_MAX_OVER_BOUND * CHURN_MAX_BYTES && peak <= early * (1 + CHURN_MAX_LATE_GROWTH),
  });
  return checks;
}

function errorNote(errors: number): string {
  return errors > 0 ? `, ${errors} failed requests` : '';
}

/** umbral in front of an upstream: throughput against the bare proxy, added latency, and throughput under 30 % failures. */
function upstreamTargets(results: BenchResults): TargetCheck[] {
  const { rows, healthy, failing } = results.upstreams;
  const checks = rows.map((row): TargetCheck => {
    const ratio = perSecond(row.umbral) / perSecond(row.proxy);
    return {
      target: `${row.route}, concurrency ${row.concurrency}: umbral req/s vs a bare undici proxy`, goal: `≥ ${formatRatio(PROXY_MIN_RATIO)}`,
      measured: `${formatRatio(ratio)} (${formatRate(perSecond(row.umbral))} vs ${formatRate(perSecond(row.proxy))} req/s)${errorNote(row.umbral.errors)}`,
      met: ratio >= PROXY_MIN_RATIO && row.umbral.errors === 0,
    };
  });
  for (const row of rows.filter((r) => r.concurrency === 1)) {
    const added = row.umbral.latency.p50 - row.direct.latency.p50;
    checks.push({ target: `${row.route}, concurrency 1: p50 added by umbral over calling the upstream directly`, goal: `≤ ${formatMs(ADDED_P50_MAX_MS)} ms`,
      measured: `${formatMs(added)} ms`, met: added <= ADDED_P50_MAX_MS });
  }
  const ratio = perSecond(failing) / perSecond(healthy);
  checks.push({ target: 'KServe route, concurrency 32: req/s with 30 % upstream failures (retries on) vs none', goal: `≥ ${formatRatio(FAILURE_MIN_RATIO)}`,
    measured: `${formatRatio(ratio)} (${formatRate(perSecond(failing))} vs ${formatRate(perSecond(healthy))} req/s)${errorNote(failing.errors)}`,
    met: ratio >= FAILURE_MIN_RATIO });
  return checks;
}

function overloadTargets(results: BenchResults): TargetCheck[] {
  const { concurrency, targetMs, admitted } = results.overload;
  const within = servedWithinTarget(admitted, targetMs);
  const refusedP99 = admitted.refusedLatency?.p99 ?? Number.NaN;
  return [{
    target: `overload: heavy-mlp at ${concurrency} clients, admission target ${targetMs} ms: accepted requests the server answers within the target`,
    goal: `≥ ${(OVERLOAD_WITHIN_TARGET_MIN * 100).toFixed(0)} %`,
    measured: `${(within * 100).toFixed(1)} % (client-side p99 ${formatMs(admitted.latency.p99)} ms)${errorNote(admitted.errors)}`,
    met: within >= OVERLOAD_WITHIN_TARGET_MIN && admitted.errors === 0,
  }, {
    target: `overload: the excess is refused at once (503 with Retry-After, client-side p99)`,
    goal: `≤ ${targetMs} ms`,
    measured: `${formatMs(refusedP99)} ms over ${admitted.refused ?? 0} refusals`,
    met: (admitted.refused ?? 0) > 0 && refusedP99 <= targetMs,
  }];
}
