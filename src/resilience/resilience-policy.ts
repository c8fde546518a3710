/**
 * How calls to one remote model's servers are made safe (model.yaml `resilience`, snake_case there).
 * Every field has a default; `resilienceSchema` (resilience-config.ts) reads the YAML form.
 */
export interface ResiliencePolicy {
  /** Deadline of one request across all its attempts, propagated upstream (HTTP timeout, gRPC deadline). */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly breaker: BreakerPolicy;
  /** How often each server's own ready endpoint is checked; 0 = never (servers are presumed healthy). */
  readonly healthCheckIntervalMs: number;
}

export interface RetryPolicy {
  /** Attempts per request, the first included (1 = no retry). */
  readonly maxAttempts: number;
  /** Exponential backoff with full jitter: attempt n waits a random time in [0, min(max, initial·2ⁿ)]. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /**
   * Retry budget: retries may add at most this share of the first attempts sent recently (0.2 = 20 %
   * extra load), plus `minRetriesPerSecond` so that a quiet model can still retry.
   */
  readonly budgetRatio: number;
  readonly minRetriesPerSecond: number;
}

export interface BreakerPolicy {
  /** Opens after this many failures in a row. */
  readonly consecutiveFailures: number;
  /** Opens when failures reach this share of the last `windowSize` calls… */
  readonly failureRatio: number;
  readonly windowSize: number;
  /** …once at least this many calls were seen in that window. */
  readonly minRequests: number;
  /** How long an open breaker fails fast before letting one probe through (half-open). */
  readonly halfOpenAfterMs: number;
}
