import { Errors } from '../../errors/catalogue.js';
import { OutageGate } from '../../store/outage-gate.js';
import type { CounterStore, Lease, WindowDecision } from './counter-store.js';

export interface FailSafeOptions {
  /** open: let requests through unchecked while the store fails; closed: refuse them with 503. */
  readonly policy: 'open' | 'closed';
  /** After a failure, how long to answer without asking the store before one call probes it (default 500 ms). */
  readonly backoffMs?: number;
  /** The store started failing: once per outage, with the first error. */
  readonly onDown?: (error: unknown) => void;
  /** A probe succeeded after an outage: once per outage. */
  readonly onUp?: () => void;
  /** One store operation was answered unchecked (open policy): a request may make several. */
  readonly onBypass?: () => void;
}

/**
 * Keeps a failing counter store (Redis down or too slow) off the request path through an
 * `OutageGate`: while the store is down, operations are answered unchecked (open policy) or refused
 * with 503 (closed policy), without paying a timeout each.
 */
export class FailSafeCounterStore implements CounterStore {
  readonly #inner: CounterStore;
  readonly #options: FailSafeOptions;
  readonly #gate: OutageGate;

  constructor(inner: CounterStore, options: FailSafeOptions) {
    this.#inner = inner;
    this.#options = options;
    this.#gate = new OutageGate(options);
  }

  /** Whether the store is in an outage (between onDown and onUp). */
  get down(): boolean {
    return this.#gate.down;
  }

  hit(key: string, limit: number, windowMs: number, cost?: number): Promise<WindowDecision> {
    return this.#gate.run(() => this.#inner.hit(key, limit, windowMs, cost),
      () => this.#unchecked(() => ({ allowed: true, limit, remaining: limit, resetMs: 0, bypassed: true })));
  }

  async acquire(key: string, limit: number, leaseMs: number): Promise<Lease | undefined> {
    const lease = await this.#gate.run(() => this.#inner.acquire(key, limit, leaseMs),
      () => this.#unchecked((): Lease => ({ held: 0, limit, bypassed: true, release: async () => {} })));
    if (lease === undefined || lease.bypassed) return lease;
    // The slot expires by itself: a release that fails must not fail the request that is ending.
    const release = () => {
      const epoch = this.#gate.epoch;
      return lease.release().catch((error: unknown) => this.#gate.failed(error, epoch));
    };
    return { held: lease.held, limit: lease.limit, release };
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  #unchecked<T>(bypass: () => T): T {
    if (this.#options.policy === 'closed') throw Errors.rateLimitUnavailable();
    this.#options.onBypass?.();
    return bypass();
  }
}
