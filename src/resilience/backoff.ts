import type { RetryPolicy } from './resilience-policy.js';

/**
 * How long to wait before retry number `retry` (1 for the first retry): exponential backoff with
 * full jitter (a random time in [0, min(max, initial·2^(retry−1))]), so that clients that failed
 * together do not retry together; never less than the server's Retry-After.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function backoffDelayMs(policy: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>, retry: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.max(random() * ceiling, retryAfterMs ?? 0);
}
