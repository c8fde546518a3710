/** Weight of the newest interval in the moving average: follows a change of load within a few dozen answers. */
const ALPHA = 0.1;

/**
 * One model's load in this process, for admission by queueing time: the requests it holds now
 * (received, not yet answered) and the average interval between two answers while it is busy. By
 * Little's law the requests ahead of a new one take about `inFlight × interval` to be answered, and
 * that holds wherever they wait: for the event loop to read them, in the model's queue, or in a run.
 */
export class ModelLoad {
  #inFlight = 0;
  #intervalMs = 0;
  /** The last answer, or the moment the model became busy: intervals are measured only while busy. */
  #mark = 0;

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Milliseconds until the requests held now are answered (0 with none held). */
  expectedWaitMs(): number {
    return this.#inFlight * this.#intervalMs;
  }

  /** A request was admitted. */
  enter(now = performance.now()): void {
    if (this.#inFlight === 0) this.#mark = now;
    this.#inFlight += 1;
  }

  /** An admitted request was answered (or failed, or its client left). */
  leave(now = performance.now()): void {
    if (this.#inFlight === 0) return;
    const interval = now - this.#mark;
    this.#intervalMs = this.#intervalMs === 0 ? interval : this.#intervalMs + ALPHA * (interval - this.#intervalMs);
    this.#mark = now;
    this.#inFlight -= 1;
  }
}
