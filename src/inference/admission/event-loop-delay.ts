import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

const RESOLUTION_MS = 10;
const WINDOW_MS = 500;

/**
 * How late the event loop runs now: the median delay of the last half second. Under overload it is
 * about how long a request that has just arrived waits before the server even reads it, the part
 * of its queueing time no counter inside the server sees.
 */
export class EventLoopDelay {
  readonly #histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  readonly #timer: NodeJS.Timeout;
  #delayMs = 0;

  constructor() {
    this.#histogram.enable();
    this.#timer = setInterval(() => {
      // The histogram counts the sampling timer's own resolution in each sample.
      this.#delayMs = Math.max(0, this.#histogram.percentile(50) / 1e6 - RESOLUTION_MS);
      this.#histogram.reset();
    }, WINDOW_MS);
    this.#timer.unref();
  }

  /** Milliseconds the loop is behind now (0 when it keeps up). */
  get ms(): number {
    return this.#delayMs;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#histogram.disable();
  }
}
