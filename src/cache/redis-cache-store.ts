import type { Redis } from 'ioredis';
import { closeRedis } from '../store/redis-client.js';
import type { CacheStore } from './cache-store.js';

export interface RedisCacheStoreOptions {
  readonly client: Redis;
  /** Prefix of every key (`redis.keyPrefix`, then `cache:`). */
  readonly prefix: string;
}

/** Keys removed per UNLINK while clearing (SCAN hands them over in pages). */
const CLEAR_BATCH = 500;

/**
 * Responses in Redis, shared by every replica: one string key per entry,
 * `<prefix>cache:<model>:<hash>`, with Redis's own expiry (SET … PX). Memory bounds are Redis's
 * (`maxmemory` with an LRU policy); clearing walks the model's keys with SCAN and UNLINKs them,
 * which never blocks Redis the way KEYS or DEL on a large set would.
 */
export class RedisCacheStore implements CacheStore {
  readonly kind = 'redis' as const;
  readonly #client: Redis;
  readonly #prefix: string;

  constructor(options: RedisCacheStoreOptions) {
    this.#client = options.client;
    this.#prefix = `${options.prefix}cache:`;
  }

  async get(model: string, key: string): Promise<string | undefined> {
    return (await this.#client.get(this.#key(model, key))) ?? undefined;
  }

  async set(model: string, key: string, value: string, ttlMs: number): Promise<void> {
    await this.#client.set(this.#key(model, key), value, 'PX', Math.max(1, Math.round(ttlMs)));
  }

  async clear(model?: string): Promise<number> {
    // Model names hold no glob characters ([A-Za-z0-9_.-]); the prefix is escaped all the same.
    const pattern = `${escapeGlob(this.#prefix)}${model === undefined ? '' : `${escapeGlob(model)}:`}*`;
    let cursor = '0';
    let removed = 0;
    do {
      const [next, keys] = await this.#client.scan(cursor, 'MATCH', pattern, 'COUNT', CLEAR_BATCH);
      cursor = next;
      if (keys.length > 0) removed += await this.#client.unlink(...keys);
    } while (cursor !== '0');
    return removed;
  }

  close(): Promise<void> {
    return closeRedis(this.#client);
  }

  #key(model: string, key: string): string {
    return `${this.#prefix}${model}:${key}`;
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
