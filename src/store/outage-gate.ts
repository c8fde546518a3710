export interface OutageGateOptions {
  /** After a failure, how long to answer without asking the dependency before one call probes it (default 500 ms). */
  readonly backoffMs?: number;
  /** The dependency started failing: once per outage, with the first error. */
  readonly onDown?: (error: unknown) => void;
  /** A probe succeeded after an outage: once per outage. */
  readonly onUp?: () => void;
}

/**
 * Keeps a failing dependency (Redis down or too slow) off the request path. The first failure marks
 * it down; for `backoffMs` after it, operations do not reach it at all, so requests pay no timeout;
 * then a single operation probes it, while the others still skip it. Only a probe's success ends an
 * outage, and only a call sent since the last recovery can start one: late answers to calls sent
 * before a transition prove nothing about the dependency now.
 */
export class OutageGate {
  readonly #options: OutageGateOptions;
  readonly #backoffMs: number;
  #down = false;
  #probing = false;
  #retryAt = 0;
  /** Counts recoveries, so that a failure of a call sent before the last one is not a new outage. */
  #epoch = 0;

  constructor(options: OutageGateOptions = {}) {
    this.#options = options;
    this.#backoffMs = options.backoffMs ?? 500;
  }

  /** Whether the dependency is in an outage (between onDown and onUp). */
  get down(): boolean {
    return this.#down;
  }

  /** The current recovery count, to pass to `failed` for a call that completes later. */
  get epoch(): number {
    return this.#epoch;
  }

  /**
   * Runs `operation` on the dependency, or `whileDown` instead when it is in an outage (and this call
   * is not the probe) or when `operation` fails. `whileDown` may throw to refuse the call.
   */
  async run<T>(operation: () => Promise<T>, whileDown: () => T | Promise<T>): Promise<T> {
    const probe = this.#down && !this.#probing && Date.now() >= this.#retryAt;
    if (this.#down && !probe) return whileDown();
    if (probe) this.#probing = true;
    const epoch = this.#epoch;
    let result: T;
    try {
      result = await operation();
    } catch (error) {
      this.failed(error, epoch);
      return whileDown();
    } finally {
      if (probe) this.#probing = false;
    }
    if (probe) this.#recovered();
    return result;
  }

  /** Reports a failure of a call sent at `epoch` (outside `run`, e.g. a release that completes later). */
  failed(error: unknown, epoch: number): void {
    if (epoch !== this.#epoch) return;
    this.#retryAt = Date.now() + this.#backoffMs;
    if (this.#down) return;
    this.#down = true;
    this.#options.onDown?.(error);
  }

  #recovered(): void {
    if (!this.#down) return;
    this.#down = false;
    this.#epoch++;
    this.#options.onUp?.();
  }
}
