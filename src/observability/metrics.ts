import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { hitRate, type CacheCounts } from './cache-counts.js';

/** What the cache metrics are read from at each scrape (the response cache). */
export interface CacheStatsSource {
  /** Models with a cache policy, or with entries. */
  models(): string[];
  counts(model: string): CacheCounts;
  memoryUsage(model: string): { entries: number; bytes: number; evictions: number } | undefined;
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];
const MODEL_LABELS = ['model', 'version'] as const;
const REDUNDANT_TOTALS = ['umbral_nodejs_active_handles_total', 'umbral_nodejs_active_requests_total', 'umbral_nodejs_active_resources_total'];

/**
 * Every Prometheus metric umbral exports, on a registry of its own (so that several servers in one
 * process, as in tests, never share counters). Histograms, not summaries, so that fleets can
 * aggregate percentiles. Counter names mirror Triton's (request_success, request_failure{reason},
 * inference_count, exec_count) so that existing dashboards translate.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'umbral_http_request_duration_seconds', help: 'HTTP request duration by route, method and status.',
    labelNames: ['route', 'method', 'status'] as const, buckets: LATENCY_BUCKETS, registers: [this.registry],
  });
  readonly httpRequestsInFlight = new Gauge({
    name: 'umbral_http_requests_in_flight', help: 'HTTP requests received and not yet answered (the load signal an autoscaler reads per pod).',
    registers: [this.registry],
  });
  readonly grpcRequestDuration = new Histogram({
    name: 'umbral_grpc_request_duration_seconds', help: 'gRPC call duration by method and status code.',
    labelNames: ['method', 'code'] as const, buckets: LATENCY_BUCKETS, registers: [this.registry],
  });
  readonly requestSuccess = new Counter({
    name: 'umbral_inference_request_success_total', help: 'Inference requests that succeeded.',
    labelNames: MODEL_LABELS, registers: [this.registry],
  });
  readonly requestFailure = new Counter({
    name: 'umbral_inference_request_failure_total', help: 'Inference requests that failed, by reason (error code).',
    labelNames: [...MODEL_LABELS, 'reason'] as const, registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'umbral_inference_request_duration_seconds', help: 'Inference request duration inside the data plane (validation, queue, compute).',
    labelNames: MODEL_LABELS, buckets: LATENCY_BUCKETS, registers: [this.registry],
  });
  readonly queueDuration = new Histogram({
    name: 'umbral_inference_queue_duration_seconds', help: 'Time a request waited in its model\'s queue.',
    labelNames: MODEL_LABELS, buckets: LATENCY_BUCKETS, registers: [this.registry],
  });
  readonly computeDuration = new Histogram({
    name: 'umbral_inference_compute_duration_seconds', help: 'Duration of one model run (one batch).',
    labelNames: MODEL_LABELS, buckets: LATENCY_BUCKETS, registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'umbral_inference_batch_size', help: 'Rows per model run, after dynamic batching.',
    labelNames: MODEL_LABELS, buckets: BATCH_BUCKETS, registers: [this.registry],
  });
  readonly inferenceCount = new Counter({
    name: 'umbral_inference_count_total', help: 'Rows inferred (a batch of 8 counts 8).',
    labelNames: MODEL_LABELS, registers: [this.registry],
  });
  readonly execCount = new Counter({
    name: 'umbral_inference_exec_count_total', help: 'Model runs (a merged batch counts 1).',
    labelNames: MODEL_LABELS, registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'umbral_inference_queue_depth', help: 'Requests waiting in the model\'s queue.',
    labelNames: MODEL_LABELS, registers: [this.registry],
  });
  readonly admissionRefused = new Counter({
    name: 'umbral_admission_refused_total', help: 'Requests refused at once (503 UMBRAL_ERR_OVERLOADED) because they would have waited past their model\'s target.',
    labelNames: ['model'] as const, registers: [this.registry],
  });
  readonly fallbacks = new Counter({
    name: 'umbral_fallback_total', help: 'Requests answered by a fallback model because the requested one could not.',
    labelNames: ['model', 'fallback'] as const, registers: [this.registry],
  });
  readonly modelReady = new Gauge({
    name: 'umbral_model_ready', help: '1 when the model version is loaded and serving, else 0.',
    labelNames: MODEL_LABELS, aggregator: 'min', registers: [this.registry],
  });
  readonly modelLoadDuration = new Histogram({
    name: 'umbral_model_load_duration_seconds', help: 'Time to load one model version, by result.',
    labelNames: ['model', 'result'] as const, buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60], registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'umbral_auth_failures_total', help: 'Requests refused by access control, by reason (error code).',
    labelNames: ['reason'] as const, registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'umbral_rate_limited_total', help: 'Requests refused with 429 by a rate limit.',
    registers: [this.registry],
  });
  readonly rateLimitStoreUp = new Gauge({
    name: 'umbral_rate_limit_store_up', help: '1 while the rate-limit counter store (memory or Redis) answers, 0 during an outage.',
    aggregator: 'min', registers: [this.registry],
  });
  readonly rateLimitBypassed = new Counter({
    name: 'umbral_rate_limit_bypassed_total', help: 'Requests let through unchecked because the counter store was down (fail-open).',
    registers: [this.registry],
  });

  readonly storeUp = new Gauge({
    name: 'umbral_store_up', help: '1 while the database answers its health check, 0 during an outage.',
    aggregator: 'min', registers: [this.registry],
  });

  readonly cacheLookups = new Counter({
    name: 'umbral_cache_lookups_total', help: 'Response-cache lookups by model and result (hit, miss, stale: an expired answer served because the model failed).',
    labelNames: ['model', 'result'] as const, registers: [this.registry],
  });
  readonly cacheHitRatio = new Gauge({
    name: 'umbral_cache_hit_ratio', help: 'Hits over lookups of each cached model since start, in this process (stale answers count as misses).',
    labelNames: ['model'] as const, aggregator: 'average', registers: [this.registry],
    collect: () => this.#collectCache(),
  });
  readonly cacheEvictions = new Counter({
    name: 'umbral_cache_evictions_total', help: 'Entries the in-memory LRU dropped to stay within its bounds (not expiries).',
    labelNames: ['model'] as const, registers: [this.registry],
  });
  readonly cacheBytes = new Gauge({
    name: 'umbral_cache_bytes', help: 'Size of each model\'s in-memory LRU, as counted against its max_bytes.',
    labelNames: ['model'] as const, registers: [this.registry],
  });
  readonly cacheEntries = new Gauge({
    name: 'umbral_cache_entries', help: 'Entries in each model\'s in-memory LRU.',
    labelNames: ['model'] as const, registers: [this.registry],
  });
  readonly cacheStoreUp = new Gauge({
    name: 'umbral_cache_store_up', help: '1 while the shared cache store (Redis) answers, 0 during an outage (always 1 for memory).',
    aggregator: 'min', registers: [this.registry],
  });
  readonly cacheStoreFallbacks = new Counter({
    name: 'umbral_cache_store_fallbacks_total', help: 'Cache operations answered without Redis during an outage (by memory, or as a miss).',
    registers: [this.registry],
  });
  #cacheSource: CacheStatsSource | undefined;
  #renderer: (() => Promise<string | undefined>) | undefined;

  constructor() {
    this.rateLimitStoreUp.set(1);
    this.cacheStoreUp.set(1);
    this.storeUp.set(1);
    // Process metrics: CPU, resident memory, heap, GC, and event-loop lag (nodejs_eventloop_lag_*).
    // 1 ms sampling: at the default 10 ms the lag percentiles include the sampling interval itself.
    collectDefaultMetrics({ register: this.registry, prefix: 'umbral_', eventLoopMonitoringPrecision: 1 });
    // prom-client names three gauges `_total`, which Prometheus keeps for counters (`promtool check
    // metrics` refuses them); each is the sum over `type` of the gauge of the same name without it.
    for (const name of REDUNDANT_TOTALS) this.registry.removeSingleMetric(name);
  }

  /** Where the cache gauges read their values at each scrape. */
  watchCache(source: CacheStatsSource): void {
    this.#cacheSource = source;
  }

  #collectCache(): void {
    const source = this.#cacheSource;
    if (!source) return;
    this.cacheEvictions.reset();
    for (const model of source.models()) {
      const ratio = hitRate(source.counts(model));
      if (ratio !== undefined) this.cacheHitRatio.set({ model }, ratio);
      const usage = source.memoryUsage(model);
      if (!usage) continue;
      this.cacheBytes.set({ model }, usage.bytes);
      this.cacheEntries.set({ model }, usage.entries);
      // Mirrors the LRUs' own count, which only grows.
      this.cacheEvictions.inc({ model }, usage.evictions);
    }
  }

  /**
   * Prometheus text exposition: this process's metrics, or what `renderWith` supplies (a worker of
   * `--workers N` asks the primary for every worker's, aggregated).
   */
  async render(): Promise<string> {
    return (await this.#renderer?.()) ?? this.registry.metrics();
  }

  /** Renders through `renderer` instead; when it yields undefined, this process's metrics are rendered. */
  renderWith(renderer: () => Promise<string | undefined>): void {
    this.#renderer = renderer;
  }

  /** Names of every metric family, for the list in docs/reference/metrics.md and its test. */
  names(): string[] {
    return this.registry.getMetricsAsArray().map((metric) => metric.name).sort();
  }
}
