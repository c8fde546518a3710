import { z } from 'zod';
import type { ResiliencePolicy } from './resilience-policy.js';

/** The defaults: three attempts within a 20 % retry budget, a breaker per server, health checks every 5 s. */
export const DEFAULT_RESILIENCE: ResiliencePolicy = Object.freeze({
  timeoutMs: 30_000,
  healthCheckIntervalMs: 5_000,
  retry: Object.freeze({ maxAttempts: 3, initialDelayMs: 25, maxDelayMs: 1_000, budgetRatio: 0.2, minRetriesPerSecond: 10 }),
  breaker: Object.freeze({ consecutiveFailures: 5, failureRatio: 0.5, windowSize: 20, minRequests: 10, halfOpenAfterMs: 5_000 }),
});

const ms = z.number().int().min(0);
const d = DEFAULT_RESILIENCE;

/** model.yaml `resilience:` (snake_case, every key optional). */
export const resilienceSchema = z.object({
  timeout_ms: z.number().int().positive().default(d.timeoutMs),
  health_check_interval_ms: ms.default(d.healthCheckIntervalMs),
  retry: z.object({
    max_attempts: z.number().int().min(1).max(10).default(d.retry.maxAttempts),
    initial_delay_ms: ms.default(d.retry.initialDelayMs),
    max_delay_ms: ms.default(d.retry.maxDelayMs),
    budget_percent: z.number().min(0).max(1000).default(d.retry.budgetRatio * 100),
    min_retries_per_second: z.number().min(0).default(d.retry.minRetriesPerSecond),
  }).strict().prefault({}),
  breaker: z.object({
    consecutive_failures: z.number().int().min(1).default(d.breaker.consecutiveFailures),
    failure_ratio: z.number().gt(0).max(1).default(d.breaker.failureRatio),
    window_size: z.number().int().min(1).default(d.breaker.windowSize),
    min_requests: z.number().int().min(1).default(d.breaker.minRequests),
    half_open_after_ms: z.number().int().positive().default(d.breaker.halfOpenAfterMs),
  }).strict().prefault({}),
}).strict();

export type ResilienceConfig = z.output<typeof resilienceSchema>;

/** The policy a parsed `resilience:` section describes. */
export function toResiliencePolicy(config: ResilienceConfig): ResiliencePolicy {
  const { retry, breaker } = config;
  return {
    timeoutMs: config.timeout_ms,
    healthCheckIntervalMs: config.health_check_interval_ms,
    retry: {
      maxAttempts: retry.max_attempts, initialDelayMs: retry.initial_delay_ms, maxDelayMs: Math.max(retry.max_delay_ms, retry.initial_delay_ms),
      budgetRatio: retry.budget_percent / 100, minRetriesPerSecond: retry.min_retries_per_second,
    },
    breaker: {
      consecutiveFailures: breaker.consecutive_failures, failureRatio: breaker.failure_ratio, windowSize: breaker.window_size,
      minRequests: Math.min(breaker.min_requests, breaker.window_size), halfOpenAfterMs: breaker.half_open_after_ms,
    },
  };
}
