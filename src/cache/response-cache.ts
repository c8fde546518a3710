import type { CacheStore, MemoryUsage } from './cache-store.js';
import type { CacheCounts } from '../observability/cache-counts.js';
import { SingleFlight } from './single-flight.js';

/**
 * Where an answer came from: the cache (or an identical call in flight), the backend, or, when the
 * backend failed, an entry past its TTL kept for that (`stale_if_error_seconds`).
 */
export type CacheStatus = 'hit' | 'miss' | 'stale';

/** Where an answer is kept: the model's entry under a request key, fresh for `ttlMs`. */
export interface CacheEntryRef {
  readonly model: string;
  readonly key: string;
  readonly ttlMs: number;
  /** How long past `ttlMs` the entry is kept to answer when the backend fails (0: not kept). */
  readonly staleIfErrorMs?: number;
  /** Which failures a stale entry may answer for (an upstream down, not a bad request). */
  readonly staleOn?: (error: unknown) => boolean;
}

/** How one kind of answer becomes the string a store keeps, and back. */
export interface AnswerCodec<T> {
  encode(value: T): string;
  /** Throws on a value it cannot read: the entry then counts as a miss. */
  decode(text: string): T;
}

/** An answer the backend produced; `storable` is false for one a fallback model produced. */
export interface Computed<T> {
  readonly value: T;
  readonly storable: boolean;
}

export interface ResponseCacheOptions {
  readonly store: CacheStore;
  /** Each lookup's outcome (Prometheus counters). */
  readonly onLookup?: (model: string, status: CacheStatus) => void;
  /** Tells every other process to drop its local entries of a model (or all, when undefined). */
  readonly broadcastClear?: (model: string | undefined) => Promise<void>;
  /** The in-memory LRUs (the store, or Redis's fallback), for their usage. */
  readonly memory?: { usage(model: string): MemoryUsage; models(): string[] };
}

/**
 * The response cache: looks a request up, and on a miss makes one backend call for every identical
 * request in flight, storing its answer unless a fallback model produced it. The store (memory or
 * Redis) is chosen at start; a store that fails never fails a request (`FailSafeCacheStore`), and
 * an entry that cannot be read counts as a miss. Errors are never cached.
 */
export class ResponseCache {
  readonly #options: ResponseCacheOptions;
  readonly #flights = new SingleFlight<Computed<unknown>>();
  readonly #counts = new Map<string, { hits: number; misses: number; stale: number }>();

  constructor(options: ResponseCacheOptions) {
    this.#options = options;
  }

  /** `memory` or `redis`. */
  get storeKind(): CacheStore['kind'] {
    return this.#options.store.kind;
  }

  /** Whether the shared store (Redis) is in an outage, the cache answering from memory or not at all. */
  get sharedStoreDown(): boolean {
    return this.#options.store.down === true;
  }

  /**
   * The cached answer of `ref`, or `compute`'s: a request that joined an identical one in flight
   * shares its answer and counts as a hit (no backend call was made for it), unless that answer is
   * a fallback's, which is never reused. When `compute` fails for a reason `ref.staleOn` accepts and
   * an entry past its TTL is still within `ref.staleIfErrorMs`, that entry answers (`stale`).
   */
  async through<T>(ref: CacheEntryRef, signal: AbortSignal, codec: AnswerCodec<T>, compute: () => Promise<Computed<T>>)
    : Promise<{ value: T; status: CacheStatus }> {
    const cached = await this.#read(ref, codec);
    if (cached?.fresh) return { value: cached.value, status: this.#count(ref.model, 'hit') };
    let outcome: { value: Computed<unknown>; shared: boolean };
    try {
      outcome = await this.#flights.run(`${ref.model}\n${ref.key}`, signal, async () => {
        const answer = await compute();
        // Written before the flight lands, so that a request arriving right after finds it.
        if (answer.storable) await this.#write(ref, codec.encode(answer.value));
        return answer;
      });
    } catch (error) {
      if (cached && !signal.aborted && ref.staleOn?.(error)) return { value: cached.value, status: this.#count(ref.model, 'stale') };
      throw error;
    }
    const status = outcome.shared && outcome.value.storable ? 'hit' : 'miss';
    return { value: outcome.value.value as T, status: this.#count(ref.model, status) };
  }

  /**
   * Removes the entries of `model` (every model when undefined) from the store, and has every other
   * process drop its local ones; resolves to the number of entries this process removed.
   */
  async clear(model?: string): Promise<number> {
    const removed = await this.#options.store.clear(model);
    await this.#options.broadcastClear?.(model);
    return removed;
  }

  /** Hits and misses of `model` in this process. */
  counts(model: string): CacheCounts {
    return this.#counts.get(model) ?? { hits: 0, misses: 0, stale: 0 };
  }

  /** Memory usage of `model`'s LRU, when this process keeps one. */
  memoryUsage(model: string): MemoryUsage | undefined {
    return this.#options.memory?.usage(model);
  }

  /** Models looked up, or held in memory, in this process. */
  models(): string[] {
    return [...new Set([...this.#counts.keys(), ...(this.#options.memory?.models() ?? [])])].sort();
  }

  close(): Promise<void> {
    return this.#options.store.close();
  }

  /** The entry of `ref` and whether it is within its TTL; undefined when absent, unreadable or too old. */
  async #read<T>(ref: CacheEntryRef, codec: AnswerCodec<T>): Promise<{ value: T; fresh: boolean } | undefined> {
    try {
      const text = await this.#options.store.get(ref.model, ref.key);
      if (text === undefined) return undefined;
      // `<stored at, epoch ms>\n<answer>`: the store keeps an entry for its TTL plus the stale window.
      const newline = text.indexOf('\n');
      const age = Date.now() - Number(text.slice(0, newline));
      if (newline < 0 || !(age >= -60_000) || age > ref.ttlMs + (ref.staleIfErrorMs ?? 0)) return undefined;
      return { value: codec.decode(text.slice(newline + 1)), fresh: age <= ref.ttlMs };
    } catch {
      // An entry this umbral cannot read (corrupt, or a store that failed outside its guard) is a miss.
      return undefined;
    }
  }

  async #write(ref: CacheEntryRef, text: string): Promise<void> {
    try {
      await this.#options.store.set(ref.model, ref.key, `${Date.now()}\n${text}`, ref.ttlMs + (ref.staleIfErrorMs ?? 0));
    } catch {
      // The answer is still good for the caller; the next request computes it again.
    }
  }

  #count(model: string, status: CacheStatus): CacheStatus {
    let counts = this.#counts.get(model);
    if (!counts) this.#counts.set(model, (counts = { hits: 0, misses: 0, stale: 0 }));
    if (status === 'hit') counts.hits++;
    else if (status === 'miss') counts.misses++;
    else counts.stale++;
    this.#options.onLookup?.(model, status);
    return status;
  }
}
