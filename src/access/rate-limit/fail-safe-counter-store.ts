import { Errors } from '../../errors/catalogue.js';
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
 * Keeps a failing counter store (Redis down or too slow) off the request path. The first failure
 * marks the store down; for `backoffMs` after it, operations do not reach the store at all, so
 * requests pay no timeout; then a single operation probes it, while the others still skip it. Only a
 * probe's success ends an outage, and only a call sent since the last recovery can start one: late
 * answers to calls sent before a transition prove nothing about the store now.
 */
export class FailSafeCounterStore implements CounterStore {
  readonly #inner: CounterStore;
  readonly #options: FailSafeOptions;
  readonly #backoffMs: number;
  #down = false;
  #probing = false;
  #retryAt = 0;
  /** Counts recoveries, so that a failure of a call sent before the last one is not a new outage. */
  #epoch = 0;

  constructor(inner: CounterStore, options: FailSafeOptions) {
    this.#inner = inner;
    this.#options = options;
    this.#backoffMs = options.backoffMs ?? 500;
  }

  /** Whether the store is in an outage (between onDown and onUp). */
  get down(): boolean {
    return this.#down;
  }

  hit(key: string, limit: number, windowMs: number, cost?: number): Promise<WindowDecision> {
    return this.#guard(() => this.#inner.hit(key, limit, windowMs, cost),
      () => ({ allowed: true, limit, remaining: limit, resetMs: 0, bypassed: true }));
  }

  async acquire(key: string, limit: number, leaseMs: number): Promise<Lease | undefined> {
    const lease = await this.#guard(() => this.#inner.acquire(key, limit, leaseMs),
      (): Lease => ({ held: 0, limit, bypassed: true, release: async () => {} }));
    if (lease === undefined || lease.bypassed) return lease;
    // The slot expires by itself: a release that fails must not fail the request that is ending.
    const release = () => {
      const epoch = this.#epoch;
      return lease.release().catch((error: unknown) => this.#failed(error, epoch));
    };
    return { held: lease.held, limit: lease.limit, release };
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  async #guard<T>(operation: () => Promise<T>, bypass: () => T): Promise<T> {
    const probe = this.#down && !this.#probing && Date.now() >= this.#retryAt;
    if (this.#down && !probe) return this.#unchecked(bypass);
    if (probe) this.#probing = true;
    const epoch = this.#epoch;
    try {
      const result = await operation();
      if (probe) this.#recovered();
      return result;
    } catch (error) {
      this.#failed(error, epoch);
      return this.#unchecked(bypass);
    } finally {
      if (probe) this.#probing = false;
    }
  }

  #unchecked<T>(bypass: () => T): T {
    if (this.#options.policy === 'closed') throw Errors.rateLimitUnavailable();
    this.#options.onBypass?.();
    return bypass();
  }

  #failed(error: unknown, epoch: number): void {
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
