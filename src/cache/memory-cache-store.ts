import { LRUCache } from 'lru-cache';
import type { CacheStore, MemoryBounds, MemoryUsage } from './cache-store.js';

/**
 * What one entry costs beyond its key and value characters (the LRU's slots, the map entry, the
 * string headers): counted against `maxBytes` so that many tiny entries stay bounded too.
 */
export const ENTRY_OVERHEAD_BYTES = 128;

interface ModelLru {
  readonly bounds: MemoryBounds;
  readonly lru: LRUCache<string, string>;
  evictions: number;
}

/**
 * Responses in this process: one LRU per model, bounded by entries and by bytes, each entry with its
 * own TTL (an expired entry is never returned; it is dropped when read or pushed out). A model's
 * bounds come from `boundsOf` when its LRU is made; when they change (model.yaml edited), the next
 * write starts a new, empty LRU with the new bounds.
 */
export class MemoryCacheStore implements CacheStore {
  readonly kind = 'memory' as const;
  readonly #models = new Map<string, ModelLru>();
  readonly #boundsOf: (model: string) => MemoryBounds;
  /** Evictions of LRUs that were replaced or cleared, so that the count never goes back. */
  readonly #pastEvictions = new Map<string, number>();

  constructor(boundsOf: (model: string) => MemoryBounds) {
    this.#boundsOf = boundsOf;
  }

  async get(model: string, key: string): Promise<string | undefined> {
    return this.#models.get(model)?.lru.get(key);
  }

  async set(model: string, key: string, value: string, ttlMs: number): Promise<void> {
    this.#lruOf(model).lru.set(key, value, { ttl: ttlMs });
  }

  async clear(model?: string): Promise<number> {
    const names = model === undefined ? [...this.#models.keys()] : [model];
    let removed = 0;
    for (const name of names) {
      const entry = this.#models.get(name);
      if (!entry) continue;
      removed += entry.lru.size;
      this.#retire(name, entry);
    }
    return removed;
  }

  /** Entries, bytes and evictions of `model`'s LRU (zeros when it has none). */
  usage(model: string): MemoryUsage {
    const entry = this.#models.get(model);
    const past = this.#pastEvictions.get(model) ?? 0;
    if (!entry) return { entries: 0, bytes: 0, evictions: past };
    return { entries: entry.lru.size, bytes: entry.lru.calculatedSize, evictions: past + entry.evictions };
  }

  /** Models that have, or had, an LRU here. */
  models(): string[] {
    return [...new Set([...this.#models.keys(), ...this.#pastEvictions.keys()])];
  }

  async close(): Promise<void> {
    await this.clear();
  }

  #lruOf(model: string): ModelLru {
    const bounds = this.#boundsOf(model);
    const current = this.#models.get(model);
    if (current && current.bounds.maxEntries === bounds.maxEntries && current.bounds.maxBytes === bounds.maxBytes) return current;
    if (current) this.#retire(model, current);
    const entry: ModelLru = {
      bounds,
      evictions: 0,
      lru: new LRUCache<string, string>({
        // The LRU preallocates its slots: never more than max_bytes can hold, at the least an entry costs.
        max: Math.max(1, Math.min(bounds.maxEntries, Math.floor(bounds.maxBytes / ENTRY_OVERHEAD_BYTES))),
        maxSize: bounds.maxBytes,
        sizeCalculation: (value, key) => key.length + value.length + ENTRY_OVERHEAD_BYTES,
        // Expired entries are never served; they leave when read, or when the bounds push them out.
        allowStale: false,
        dispose: (_value, _key, reason) => { if (reason === 'evict') entry.evictions++; },
      }),
    };
    this.#models.set(model, entry);
    return entry;
  }

  #retire(model: string, entry: ModelLru): void {
    this.#pastEvictions.set(model, (this.#pastEvictions.get(model) ?? 0) + entry.evictions);
    this.#models.delete(model);
    entry.lru.clear();
  }
}
