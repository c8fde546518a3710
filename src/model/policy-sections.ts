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
 * `promotion`: reserved for evaluation gates. Stored, versioned and audited like the rest; nothing
 * acts on it yet. (`traffic` has its own schema: traffic-section.ts.)
 */
export const reservedSectionSchema = z.record(z.string(), z.unknown());
