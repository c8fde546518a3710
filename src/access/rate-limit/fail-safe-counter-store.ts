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
 * with 503 (closed policy), without paying a timeout each. `withFallback` gives a view of the same
 * store that counts in memory instead, through the same gate (one outage, reported once).
 */
export class FailSafeCounterStore implements CounterStore {
  readonly #inner: CounterStore;
  readonly #gate: OutageGate;
  readonly #gated: GatedCounterStore;

  constructor(inner: CounterStore, options: FailSafeOptions) {
    this.#inner = inner;
    this.#gate = new OutageGate(options);
    const whileDown = options.policy === 'open' ? new BypassingCounterStore(options.onBypass) : new RefusingCounterStore();
    this.#gated = new GatedCounterStore(inner, this.#gate, whileDown);
  }

  /** Whether the store is in an outage (between onDown and onUp). */
  get down(): boolean {
    return this.#gate.down;
  }

  /**
   * The same store, through the same outage gate, but counting in `fallback` (a MemoryCounterStore)
   * while the store is down, whatever the policy: for login throttling, which must never be off.
   * When the store answers again, its counts apply again; the fallback's fade with their windows.
   * Closing the view closes `fallback` only.
   */
  withFallback(fallback: CounterStore): CounterStore {
    return new GatedCounterStore(this.#inner, this.#gate, fallback);
  }

  hit(key: string, limit: number, windowMs: number, cost?: number): Promise<WindowDecision> {
    return this.#gated.hit(key, limit, windowMs, cost);
  }

  acquire(key: string, limit: number, leaseMs: number): Promise<Lease | undefined> {
    return this.#gated.acquire(key, limit, leaseMs);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

/** Operations on `inner` while `gate` lets them through, on `whileDown` otherwise; closes `whileDown` only. */
class GatedCounterStore implements CounterStore {
  constructor(private readonly inner: CounterStore, private readonly gate: OutageGate, private readonly whileDown: CounterStore) {}

  hit(key: string, limit: number, windowMs: number, cost?: number): Promise<WindowDecision> {
    return this.gate.run(() => this.inner.hit(key, limit, windowMs, cost), () => this.whileDown.hit(key, limit, windowMs, cost));
  }

  acquire(key: string, limit: number, leaseMs: number): Promise<Lease | undefined> {
    return this.gate.run(async () => this.#guarded(await this.inner.acquire(key, limit, leaseMs)),
      () => this.whileDown.acquire(key, limit, leaseMs));
  }

  close(): Promise<void> {
    return this.whileDown.close();
  }

  /** The slot expires by itself: a release that fails must not fail the request that is ending. */
  #guarded(lease: Lease | undefined): Lease | undefined {
    if (lease === undefined) return undefined;
    const release = () => {
      const epoch = this.gate.epoch;
      return lease.release().catch((error: unknown) => this.gate.failed(error, epoch));
    };
    return { held: lease.held, limit: lease.limit, release };
  }
}

/** Fail-open: every operation allowed, marked bypassed, and reported. */
class BypassingCounterStore implements CounterStore {
  constructor(private readonly onBypass: (() => void) | undefined) {}

  async hit(_key: string, limit: number): Promise<WindowDecision> {
    this.onBypass?.();
    return { allowed: true, limit, remaining: limit, resetMs: 0, bypassed: true };
  }

  async acquire(_key: string, limit: number): Promise<Lease> {
    this.onBypass?.();
    return { held: 0, limit, bypassed: true, release: async () => {} };
  }

  async close(): Promise<void> {}
}

/** Fail-closed: every operation refused with UMBRAL_ERR_RATE_LIMIT_UNAVAILABLE (503). */
class RefusingCounterStore implements CounterStore {
  async hit(): Promise<WindowDecision> {
    throw Errors.rateLimitUnavailable();
  }

  async acquire(): Promise<Lease> {
    throw Errors.rateLimitUnavailable();
  }

  async close(): Promise<void> {}
}
