// Weight of the newest run in the moving averages: recent enough to follow load, smooth enough
// not to jump with one slow run.
const ALPHA = 0.2;

/** Recent run times of one model, to tell a refused client when to come back. */
export class RunStatistics {
  #computeMs = 0;
  #requestsPerRun = 1;
  #runs = 0;

  /** Records one finished run. */
  record(computeMs: number, requests: number): void {
    const weight = this.#runs === 0 ? 1 : ALPHA;
    this.#computeMs += weight * (computeMs - this.#computeMs);
    this.#requestsPerRun += weight * (requests - this.#requestsPerRun);
    this.#runs += 1;
  }

  /** Seconds until `depth` queued requests would have run on `concurrency` slots; at least 1. */
  retryAfterSeconds(depth: number, concurrency: number): number {
    const runs = depth / Math.max(1, this.#requestsPerRun) / Math.max(1, concurrency);
    return Math.max(1, Math.ceil((runs * this.#computeMs) / 1000));
  }
}
