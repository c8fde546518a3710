const BUCKETS = 10;
const BUCKET_MS = 1_000;

/**
 * A retry budget in the manner of Finagle's and Envoy's: over the last 10 seconds, retries may be at
 * most `ratio` of the requests sent plus `minPerSecond` per second. Under a full outage every
 * request fails once and is retried at most that share of the time, so retries add a bounded load
 * (1 + ratio) instead of multiplying it by the attempt count. Written here because cockatiel's
 * retry policy has no budget across calls.
 */
export class RetryBudget {
  readonly #requests = new Array<number>(BUCKETS).fill(0);
  readonly #retries = new Array<number>(BUCKETS).fill(0);
  #bucket = 0;
  #bucketStart: number;

  constructor(
    private readonly ratio: number,
    private readonly minPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#bucketStart = now();
  }

  /** Counts a request's first attempt. */
  recordRequest(): void {
    this.#advance();
    this.#requests[this.#bucket] = (this.#requests[this.#bucket] ?? 0) + 1;
  }

  /** Takes one retry from the budget; false when it is spent. */
  tryRetry(): boolean {
    this.#advance();
    const requests = sum(this.#requests);
    const retries = sum(this.#retries);
    if (retries + 1 > this.ratio * requests + this.minPerSecond * (BUCKETS * BUCKET_MS / 1000)) return false;
    this.#retries[this.#bucket] = (this.#retries[this.#bucket] ?? 0) + 1;
    return true;
  }

  #advance(): void {
    const elapsed = this.now() - this.#bucketStart;
    if (elapsed < BUCKET_MS) return;
    const steps = Math.min(BUCKETS, Math.floor(elapsed / BUCKET_MS));
    for (let i = 0; i < steps; i++) {
      this.#bucket = (this.#bucket + 1) % BUCKETS;
      this.#requests[this.#bucket] = 0;
      this.#retries[this.#bucket] = 0;
    }
    this.#bucketStart += Math.floor(elapsed / BUCKET_MS) * BUCKET_MS;
  }
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
