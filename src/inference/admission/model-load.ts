/**
 * How far back the pace is remembered: busy time and answers decay with this time constant, so the
 * pace follows a change of load within about a second, and a batch of answers given at once counts
 * as many answers over its run's time (not as a run of zero intervals).
 */
const MEMORY_MS = 1_000;

/**
 * One model's load in this process, for admission by queueing time: the requests it holds now
 * (received, not yet answered) and its pace while busy, the average time between two answers. By
 * Little's law the requests ahead of a new one take about `inFlight × interval` to be answered, and
 * that holds wherever they wait: for the event loop to read them, in the model's queue, or in a run.
 */
export class ModelLoad {
  #inFlight = 0;
  /** Busy milliseconds and answers given, both decayed by elapsed busy time. */
  #busyMs = 0;
  #answers = 0;
  /** The last answer, or the moment the model became busy: only busy time counts. */
  #mark = 0;

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Milliseconds until the requests held now are answered (0 with none held). */
  expectedWaitMs(): number {
    return this.#answers === 0 ? 0 : this.#inFlight * (this.#busyMs / this.#answers);
  }

  /** A request was admitted. */
  enter(now = performance.now()): void {
    if (this.#inFlight === 0) this.#mark = now;
    this.#inFlight += 1;
  }

  /** An admitted request was answered (or failed, or its client left). */
  leave(now = performance.now()): void {
    if (this.#inFlight === 0) return;
    const busy = Math.max(0, now - this.#mark);
    const keep = Math.exp(-busy / MEMORY_MS);
    this.#busyMs = this.#busyMs * keep + busy;
    this.#answers = this.#answers * keep + 1;
    this.#mark = now;
    this.#inFlight -= 1;
  }
}
