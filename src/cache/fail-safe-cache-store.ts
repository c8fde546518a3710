import { Errors } from '../errors/catalogue.js';
import { OutageGate } from '../store/outage-gate.js';
import type { CacheStore } from './cache-store.js';

export interface FailSafeCacheOptions {
  /** After a failure, how long to skip the store before one call probes it (default 500 ms). */
  readonly backoffMs?: number;
  /** The store started failing: once per outage, with the first error. */
  readonly onDown?: (error: unknown) => void;
  /** The store answers again: once per outage. */
  readonly onUp?: () => void;
  /** One operation was answered without the store (by the fallback, or as a miss). */
  readonly onFallback?: () => void;
}

/**
 * A shared store (Redis) that may fail, in front of an optional local one. While the shared store
 * is down, reads and writes go to `fallback` (memory), or reads miss and writes are dropped when
 * there is none (bypass): a request never fails, nor waits a timeout, because of the cache. When
 * the shared store answers again, the fallback's entries are dropped: they may have been cleared
 * or replaced elsewhere meanwhile. A clear reaches both, and fails (503) if the shared store
 * cannot be reached: an operator must know that other replicas still hold the entries.
 */
export class FailSafeCacheStore implements CacheStore {
  readonly kind: CacheStore['kind'];
  readonly #shared: CacheStore;
  readonly #fallback: CacheStore | undefined;
  readonly #gate: OutageGate;
  readonly #onFallback: (() => void) | undefined;

  constructor(shared: CacheStore, fallback: CacheStore | undefined, options: FailSafeCacheOptions = {}) {
    this.kind = shared.kind;
    this.#shared = shared;
    this.#fallback = fallback;
    this.#onFallback = options.onFallback;
    this.#gate = new OutageGate({
      ...options,
      onUp: () => {
        void this.#fallback?.clear();
        options.onUp?.();
      },
    });
  }

  /** Whether the shared store is in an outage. */
  get down(): boolean {
    return this.#gate.down;
  }

  get(model: string, key: string): Promise<string | undefined> {
    return this.#gate.run(() => this.#shared.get(model, key), () => {
      this.#onFallback?.();
      return this.#fallback?.get(model, key);
    });
  }

  set(model: string, key: string, value: string, ttlMs: number): Promise<void> {
    return this.#gate.run(() => this.#shared.set(model, key, value, ttlMs), () => {
      this.#onFallback?.();
      return this.#fallback?.set(model, key, value, ttlMs);
    });
  }

  async clear(model?: string): Promise<number> {
    const local = (await this.#fallback?.clear(model)) ?? 0;
    try {
      return local + await this.#shared.clear(model);
    } catch {
      throw Errors.cacheUnavailable();
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.#shared.close(), this.#fallback?.close()]);
  }
}
