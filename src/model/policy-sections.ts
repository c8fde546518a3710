import { z } from 'zod';

/*
 * The sections of a model's serving policy, each as model.yaml writes it (snake_case, strict). The
 * policy (policy.ts) and model.yaml (model-config.ts) are made of these same sections.
 */

/** Triton-style dynamic batching (`dynamic_batching`; a version's manifest `serving.dynamic_batching` too). */
export const dynamicBatchingSchema = z.object({
  max_queue_delay_microseconds: z.number().int().nonnegative().default(0),
  preferred_batch_size: z.array(z.number().int().positive()).default([]),
  /** Requests waiting at most; past it callers get 503 with Retry-After. */
  max_queue_size: z.number().int().positive().optional(),
  /**
   * Admission by queueing time: when a request would wait longer than this behind the requests the
   * server holds for the model (src/inference/admission/), it is refused at once with 503 and Retry-After.
   */
  max_queue_wait_ms: z.number().int().positive().optional(),
}).strict();

/** `rate_limit`: per-caller limits on this model (each key or user gets its own counts); absent fields = no limit. */
export const rateLimitSchema = z.object({
  requests_per_second: z.number().int().positive().optional(),
  requests_per_minute: z.number().int().positive().optional(),
  concurrent: z.number().int().positive().optional(),
}).strict();

/**
 * `fallback`: models (`name` or `name:version`) that answer, in order, when this one cannot: its
 * servers are down or their breakers open, its queue is full, or its deadline passed.
 */
export const fallbackSchema = z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}(:[A-Za-z0-9_.-]+)?$/, 'use a model name, or name:version'));

/** `limits`: this model's own request limits, in place of the server's. */
export const limitsSchema = z.object({
  /** Deadline of one request to this model, queueing and fallbacks included (in place of server.requestTimeoutMs). */
  timeout_ms: z.number().int().positive().max(3_600_000).optional(),
  /** Most elements one input tensor may hold (in place of limits.maxElements). */
  max_elements: z.number().int().positive().optional(),
}).strict();

/**
 * A remote backend's own section (`kserve:` or `openai:`), and `resilience:`: checked in full by the
 * backend's descriptor schema and the resilience schema (src/control/check-policy.ts); here, a mapping.
 */
export const remoteSectionSchema = z.record(z.string(), z.unknown());

/** `prediction_log`: what share of requests is logged, what of them is kept, for how long. */
export const predictionLogSchema = z.object({
  sample_rate: z.number().min(0).max(1).optional(),
  payload: z.enum(['full', 'hash', 'none']).optional(),
  retention_days: z.number().int().positive().max(3650).optional(),
}).strict();

/**
 * `drift`: how the inputs and outputs a version sees now are compared with its reference (a dataset
 * pushed with the version, or its first `reference_size` logged predictions), by background jobs
 * (src/mlops/drift/). Needs the prediction log on (`prediction_log.sample_rate` > 0).
 */
export const driftSchema = z.object({
  /** Off when false; on by default once the section exists. */
  enabled: z.boolean().optional(),
  /** Logged predictions that make the reference when no reference dataset was pushed. */
  reference_size: z.number().int().min(50).max(100_000).optional(),
  /** The rolling window compared with the reference, in minutes. */
  window_minutes: z.number().int().positive().max(60 * 24 * 30).optional(),
  /** Fewest predictions in the window before a score is computed. */
  min_samples: z.number().int().min(10).max(100_000).optional(),
  /** Population stability index over which a drift alert is raised (0.2 is the usual "significant shift"). */
  psi_threshold: z.number().positive().max(100).optional(),
  /** Kolmogorov–Smirnov statistic (0..1) over which a drift alert is raised. */
  ks_threshold: z.number().positive().max(1).optional(),
  /** When the check runs: a cron expression (five fields), every five minutes by default. */
  schedule: z.string().min(9).max(120).optional(),
}).strict();

/**
 * `promotion`: the gate `promote` passes (src/control/promotion-gate.ts, docs/guides/evaluation.md):
 * challenger and champion evaluated on `dataset` (or a stored report of the same versions, dataset
 * content and sample reused); the challenger must better the champion's `metric` by
 * `min_improvement` and stay within `max_latency_regression` of its p99 latency. That the metric
 * fits the model's task and the dataset exists is checked when the policy is set.
 */
export const promotionSchema = z.object({
  /** A dataset of the model (POST /admin/models/{m}/datasets). */
  dataset: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'a dataset name: 1-128 letters, digits, \'.\', \'_\' or \'-\''),
  /** A metric of the model's task, as evaluation reports name it (`f1_macro`, `roc_auc`, `rmse`, `ndcg@10`, `f1:spam`). */
  metric: z.string().min(1).max(160),
  /** How much better the challenger must be (lower for `mae` and `rmse`); negative tolerates a loss. Default 0: no worse. */
  min_improvement: z.number().min(-1e9).max(1e9).optional(),
  /** `absolute` (default): in the metric's units; `relative`: a share of the champion's value (0.02 = 2 % better). */
  improvement: z.enum(['absolute', 'relative']).optional(),
  /** How much slower (p99) the challenger may be: a share of the champion's p99, or milliseconds; either bound allows. Absent: not checked. */
  max_latency_regression: z.object({
    relative: z.number().nonnegative().max(1000).optional(),
    ms: z.number().nonnegative().max(3_600_000).optional(),
  }).strict().refine((bound) => bound.relative !== undefined || bound.ms !== undefined, 'give relative, ms, or both').optional(),
  /** Evaluate a seeded sample of this many rows instead of the whole dataset. */
  sample: z.number().int().positive().max(10_000_000).optional(),
  /** The sample's seed (default 0). */
  seed: z.number().int().nonnegative().max(2 ** 31 - 1).optional(),
}).strict();
