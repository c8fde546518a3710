/** The outcome of one hit on a sliding-window counter. */
export interface WindowDecision {
  /** Whether the hit fits in the limit (and, unless a peek or refund, was counted). */
  readonly allowed: boolean;
  /** The limit the hit was checked against. */
  readonly limit: number;
  /** Whole units still available in the window after this hit. */
  readonly remaining: number;
  /**
   * Milliseconds until capacity returns. Denied: until a hit of the same cost would be allowed
   * (the Retry-After). Allowed: until the current fixed window ends and its count starts to fade
   * (the RateLimit-Reset).
   */
  readonly resetMs: number;
  /** Set when no store was consulted (it was unreachable and the policy is to fail open): send no RateLimit headers. */
  readonly bypassed?: true;
}

/** One concurrency slot, held until released or until it expires by itself. */
export interface Lease {
  /** Slots held on the key, this one included, when it was taken. */
  readonly held: number;
  /** The limit the slot was taken under. */
  readonly limit: number;
  /** Set when no store was consulted (fail open): the slot limits nothing. */
  readonly bypassed?: true;
  /** Frees the slot; calling it again does nothing. */
  release(): Promise<void>;
}

/**
 * Counters behind the rate limits: one process (memory) or every replica (Redis). A key is used
 * with one window length throughout; window keys and lease keys are separate namespaces.
 */
export interface CounterStore {
  /**
   * Counts `cost` (default 1) on `key`'s sliding window of `windowMs` if it fits within `limit`,
   * atomically: concurrent hits never admit more than `limit`. The count is Cloudflare's
   * approximation, previous fixed window × the part of it still inside the sliding window + the
   * current fixed window (https://blog.cloudflare.com/counting-things-a-lot-of-different-things/).
   * A denied hit counts nothing. `cost` 0 peeks: it counts nothing and says whether a hit of 1
   * would pass. A negative `cost` refunds an earlier hit (never below zero) and is always allowed.
   */
  hit(key: string, limit: number, windowMs: number, cost?: number): Promise<WindowDecision>;

  /**
   * Takes one of `limit` concurrency slots on `key`, or returns undefined when all are held.
   * Atomic like `hit`. The slot expires by itself after `leaseMs`, so a crashed holder cannot
   * keep it forever: make `leaseMs` longer than the longest request.
   */
  acquire(key: string, limit: number, leaseMs: number): Promise<Lease | undefined>;

  /** Stops timers and lets go of connections the store opened; the store is unusable after. */
  close(): Promise<void>;
}
