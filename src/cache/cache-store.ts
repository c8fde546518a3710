/**
 * Where cached responses live: in this process (`MemoryCacheStore`, an LRU per model) or in Redis
 * (`RedisCacheStore`, shared by every replica, with Redis's own TTL). Values are opaque strings the
 * response cache encodes; keys are already hashes. Entries are grouped by model so that one model's
 * entries can be cleared alone. Every store passes `cacheStoreContract`.
 */
export interface CacheStore {
  /** `memory` or `redis`: what `/info` reports. */
  readonly kind: 'memory' | 'redis';
  /** True while a store that can fail (Redis behind `FailSafeCacheStore`) is in an outage. */
  readonly down?: boolean;
  /** The value stored under `key` for `model`, or undefined when absent or expired. */
  get(model: string, key: string): Promise<string | undefined>;
  /** Stores `value`, replacing any, for `ttlMs` milliseconds. */
  set(model: string, key: string, value: string, ttlMs: number): Promise<void>;
  /** Removes every entry of `model`, or of every model when absent; resolves to how many were removed. */
  clear(model?: string): Promise<number>;
  /** Releases connections; the store is not used after. */
  close(): Promise<void>;
}

/** Bounds of one model's in-memory LRU (model.yaml `cache.max_entries`, `cache.max_bytes`). */
export interface MemoryBounds {
  readonly maxEntries: number;
  readonly maxBytes: number;
}

/** What an in-memory LRU holds and has dropped, for `/metrics` and `/info`. */
export interface MemoryUsage {
  readonly entries: number;
  /** Size as counted against `maxBytes`: characters of key and value plus a fixed overhead per entry. */
  readonly bytes: number;
  /** Entries removed to make room (not expiries, not clears), since start. */
  readonly evictions: number;
}
