import { Errors } from '../errors/catalogue.js';

interface Flight<T> {
  readonly promise: Promise<T>;
  /** The leader's signal: when it fired, the flight's failure is the leader's, not the followers'. */
  readonly signal: AbortSignal;
}

/**
 * Concurrent identical misses make one backend call: the first caller for a key (the leader) runs
 * the work, and the callers that arrive while it runs (followers) share its outcome. A follower
 * whose own client leaves stops waiting at once; a follower whose leader's client left (which
 * cancels the leader's call) runs the work again rather than inherit a cancellation. Within one
 * process: replicas each make their own first call.
 */
export class SingleFlight<T> {
  readonly #flights = new Map<string, Flight<T>>();

  /** The result of `work` for `key`, and whether it came from another caller's run. */
  async run(key: string, signal: AbortSignal, work: () => Promise<T>): Promise<{ value: T; shared: boolean }> {
    for (;;) {
      const flight = this.#flights.get(key);
      if (!flight) return { value: await this.#lead(key, signal, work), shared: false };
      try {
        return { value: await untilAborted(flight.promise, signal), shared: true };
      } catch (error) {
        if (signal.aborted || !flight.signal.aborted) throw error;
      }
    }
  }

  /** Keys with a run in flight (for tests and `/info`). */
  get inFlight(): number {
    return this.#flights.size;
  }

  async #lead(key: string, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    const flight: Flight<T> = { promise: Promise.resolve().then(work), signal };
    this.#flights.set(key, flight);
    try {
      return await flight.promise;
    } finally {
      if (this.#flights.get(key) === flight) this.#flights.delete(key);
    }
  }
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(Errors.cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(Errors.cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
