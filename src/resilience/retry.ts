import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelayMs } from './backoff.js';
import type { Deadline } from './deadline.js';
import type { RetryPolicy } from './resilience-policy.js';
import { RetryBudget } from './retry-budget.js';
import type { GroupEvents } from './upstream-observer.js';
import { isUpstreamError } from './upstream-error.js';

/**
 * Retries of what may succeed on another attempt (UpstreamError.retryable), up to the policy's
 * attempts: after exponential backoff with full jitter and at least the server's Retry-After, never
 * when the wait would end past the deadline, and within a retry budget shared by every call made
 * through this Retry (one per group).
 */
export class Retry {
  readonly #budget: RetryBudget;

  constructor(private readonly policy: RetryPolicy, private readonly events: Pick<GroupEvents, 'retry' | 'budgetExhausted'>,
    private readonly random: () => number = Math.random) {
    this.#budget = new RetryBudget(policy.budgetRatio, policy.minRetriesPerSecond);
  }

  /**
   * `attempt(1)`, then `attempt(2)`… while the policy allows; rejects with the last failure, or with
   * the deadline signal's reason once it has fired (a wait ends there too).
   */
  async run<T>(deadline: Deadline, attempt: (n: number) => Promise<T>): Promise<T> {
    const { signal } = deadline;
    this.#budget.recordRequest();
    for (let n = 1; ; n++) {
      try {
        return await attempt(n);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const wait = this.#delay(error, n, deadline.remainingMs());
        if (wait === undefined) throw error;
        this.events.retry();
        await sleep(wait, undefined, { signal }).catch(() => { throw signal.reason; });
      }
    }
  }

  /** How long to wait before retrying after `error` on attempt `n`, or undefined when not to retry. */
  #delay(error: unknown, n: number, leftMs: number): number | undefined {
    if (!isUpstreamError(error) || !error.retryable || n >= this.policy.maxAttempts) return undefined;
    const wait = backoffDelayMs(this.policy, n, error.details.retryAfterMs, this.random);
    if (wait >= leftMs) return undefined;
    if (!this.#budget.tryRetry()) {
      this.events.budgetExhausted();
      return undefined;
    }
    return wait;
  }
}
