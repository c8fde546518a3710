/**
 * What the bench orchestrator and its child processes say to each other over the fork() IPC
 * channel. Each child gets one plan and answers with one result (or a failure); the bare server
 * answers with the address it listens on and then serves until it is killed.
 */

/** Latency distribution of one run, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** N request loops against one route for a fixed window (after a warm-up). */
export interface LoadPlan {
  readonly kind: 'load';
  /** Origin, e.g. http://127.0.0.1:8080. */
  readonly origin: string;
  readonly path: string;
  /** JSON request bodies; loop i sends bodies[(i + k) % length] on its k-th request. */
  readonly bodies: readonly string[];
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** When set, GET this path at the start and at the end of the window (Prometheus text). */
  readonly metricsPath?: string;
  /** Extra request headers (a credential). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Count 503 answers as refused (admission control), with their latency, rather than as errors; a refused loop waits its Retry-After. */
  readonly refusals?: boolean;
}

export interface LoadResult {
  readonly kind: 'load-result';
  /** Requests answered 2xx whose answer arrived inside the window. */
  readonly ok: number;
  /** Non-2xx answers and transport errors inside the window. */
  readonly errors: number;
  /** A few of those errors, for the report. */
  readonly errorSamples: readonly string[];
  readonly windowMs: number;
  readonly latency: LatencySummary;
  /** CPU time the load generator itself used during the window (user + system). */
  readonly cpuMs: number;
  readonly metricsAtStart?: string;
  readonly metricsAtEnd?: string;
  /** With `refusals`: 503 answers inside the window, and how fast they came. */
  readonly refused?: number;
  readonly refusedLatency?: LatencySummary;
}

/** A GET every `intervalMs` over one connection, recording each answer's latency. */
export interface ProbePlan {
  readonly kind: 'probe';
  readonly origin: string;
  readonly path: string;
  readonly intervalMs: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

export interface ProbeResult {
  readonly kind: 'probe-result';
  readonly latency: LatencySummary;
  readonly failures: number;
}

/** Raw onnxruntime-node sessions in worker threads, each running batches in a tight loop. */
export interface RawOnnxPlan {
  readonly kind: 'raw-onnx';
  readonly modelPath: string;
  readonly workers: number;
  readonly intraOpThreads: number;
  readonly batchSize: number;
  /** Features per row (the model's second dimension). */
  readonly rowWidth: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

export interface RawOnnxResult {
  readonly kind: 'raw-onnx-result';
  readonly rowsPerSecond: number;
  readonly runs: number;
  /** Latency of one session.run(), over every worker. */
  readonly runLatency: LatencySummary;
}

/** The fastify route without inference: answers every model with a copy of that model's template. */
export interface BarePlan {
  readonly kind: 'bare';
  /** Response body per model name, as umbral answered the same request. */
  readonly templates: Readonly<Record<string, unknown>>;
}

export interface BareListening {
  readonly kind: 'bare-listening';
  readonly origin: string;
}

/** A bare undici reverse proxy in front of `upstream` (the floor of the upstream bench). */
export interface ProxyPlan {
  readonly kind: 'proxy';
  readonly upstream: string;
  /** Keep-alive connections to the upstream. */
  readonly connections: number;
}

export interface ProxyListening {
  readonly kind: 'proxy-listening';
  readonly origin: string;
}

/** The fault-injecting upstreams (KServe v2 and OpenAI-compatible) in a process of their own. */
export interface UpstreamPlan {
  readonly kind: 'upstream';
  /** Share of inference requests answered 503 (0 = none). */
  readonly failureRate: number;
}

export interface UpstreamListening {
  readonly kind: 'upstream-listening';
  readonly kserveOrigin: string;
  readonly openaiOrigin: string;
}

/** Opens the embedded store (PGlite) on an existing data directory and reports what that cost. */
export interface StoreMemoryPlan {
  readonly kind: 'store-memory';
  readonly dataDir: string;
}

export interface StoreMemoryResult {
  readonly kind: 'store-memory-result';
  /** process.memoryUsage().rss with the store's modules imported, before the open. */
  readonly rssBeforeBytes: number;
  /** The same right after `openDatabase()` resolved. */
  readonly rssAfterBytes: number;
  /** How long `openDatabase()` took (migrations check included). */
  readonly openMs: number;
}

/** Writes unique keys into one model's in-memory LRU and samples resident memory as the churn goes on. */
export interface CacheChurnPlan {
  readonly kind: 'cache-churn';
  /** The LRU's max_bytes. */
  readonly maxBytes: number;
  /** Size of each value (a cached JSON answer). */
  readonly valueBytes: number;
  /** Resident memory is sampled once this many times max_bytes have been written. */
  readonly checkpoints: readonly number[];
}

export interface CacheChurnResult {
  readonly kind: 'cache-churn-result';
  /** Resident memory after a full GC, with the store made but empty. */
  readonly baselineRssBytes: number;
  /** V8 heap in use after that GC. */
  readonly baselineHeapBytes: number;
  readonly samples: readonly {
    readonly written: number; readonly rssBytes: number; readonly heapBytes: number; readonly cacheBytes: number; readonly entries: number;
  }[];
}

/** A child that could not do its job. */
export interface ChildFailure {
  readonly kind: 'failure';
  readonly message: string;
}

export type ChildPlan = LoadPlan | ProbePlan | RawOnnxPlan | BarePlan | StoreMemoryPlan | ProxyPlan | UpstreamPlan | CacheChurnPlan;
export type ChildReply = LoadResult | ProbeResult | RawOnnxResult | BareListening | StoreMemoryResult | ProxyListening | UpstreamListening
  | CacheChurnResult | ChildFailure;
