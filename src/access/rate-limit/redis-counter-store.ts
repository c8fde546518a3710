import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { closeRedis } from '../../store/redis-client.js';
import type { CounterStore, Lease, WindowDecision } from './counter-store.js';

// Both scripts read the time with TIME: replicas whose clocks disagree still share one window edge.
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * KEYS[1] hash {i: fixed window index, c: its count, p: the previous window's count};
 * ARGV limit, windowMs, cost. Returns {allowed 0|1, remaining, resetMs}. Mirrors MemoryCounterStore.
 */
const HIT = `${NOW}
local limit, window, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local index = math.floor(now / window)
local state = redis.call('HMGET', KEYS[1], 'i', 'c', 'p')
local at, current, previous = tonumber(state[1]), tonumber(state[2]) or 0, tonumber(state[3]) or 0
if at == nil or at < index - 1 then current, previous = 0, 0
elseif at == index - 1 then current, previous = 0, current end
local elapsed = now - index * window
local weight = (window - elapsed) / window
local function store()
  redis.call('HSET', KEYS[1], 'i', index, 'c', current, 'p', previous)
  redis.call('PEXPIRE', KEYS[1], 2 * window)
end
local function remaining() return math.max(0, math.floor(limit - (previous * weight + current))) end
if cost < 0 then
  local fromCurrent = math.min(current, -cost)
  current = current - fromCurrent
  previous = math.max(0, previous - (-cost - fromCurrent))
  store()
  return {1, remaining(), window - elapsed}
end
local asked = cost
if asked == 0 then asked = 1 end
if previous * weight + current + asked > limit then
  local wait
  local room = limit - current - asked
  if room >= 0 and previous > 0 then wait = math.ceil(window - room * window / previous - elapsed)
  elseif limit < asked then wait = 2 * window
  else wait = math.ceil(2 * window - elapsed - (limit - asked) * window / current) end
  return {0, remaining(), math.max(1, wait)}
end
if cost > 0 then
  current = current + cost
  store()
end
return {1, remaining(), window - elapsed}`;

/**
 * KEYS[1] sorted set of lease ids scored by expiry (epoch ms); ARGV limit, leaseMs, id.
 * Returns {taken 0|1, held}. The set's TTL covers its latest lease, so an idle key vanishes.
 */
const ACQUIRE = `${NOW}
local limit, leaseMs = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local held = redis.call('ZCARD', KEYS[1])
if held >= limit then return {0, held} end
redis.call('ZADD', KEYS[1], now + leaseMs, ARGV[3])
if redis.call('PTTL', KEYS[1]) < leaseMs then redis.call('PEXPIRE', KEYS[1], leaseMs) end
return {1, held + 1}`;

/** The client with the scripts defineCommand adds (EVALSHA, falling back to EVAL once per connection). */
interface ScriptedRedis extends Redis {
  umbralRateHit(key: string, limit: number, windowMs: number, cost: number): Promise<number[]>;
  umbralRateAcquire(key: string, limit: number, leaseMs: number, id: string): Promise<number[]>;
}

export interface RedisCounterStoreOptions {
  /** A client from `createRedisClient`; the store closes it on `close()`. */
  readonly client: Redis;
  /** Prepended to every key (`<prefix>rl:w:<key>` for windows, `<prefix>rl:l:<key>` for leases). */
  readonly prefix: string;
}

/** Counters every replica shares: each operation is one Lua script, so it is atomic on the server. */
export class RedisCounterStore implements CounterStore {
  readonly #redis: ScriptedRedis;
  readonly #prefix: string;

  constructor(options: RedisCounterStoreOptions) {
    options.client.defineCommand('umbralRateHit', { numberOfKeys: 1, lua: HIT });
    options.client.defineCommand('umbralRateAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    this.#redis = options.client as ScriptedRedis;
    this.#prefix = `${options.prefix}rl:`;
  }

  async hit(key: string, limit: number, windowMs: number, cost = 1): Promise<WindowDecision> {
    const [allowed, remaining, resetMs] = await this.#redis.umbralRateHit(`${this.#prefix}w:${key}`, limit, windowMs, cost);
    return { allowed: allowed === 1, limit, remaining: Number(remaining), resetMs: Number(resetMs) };
  }

  async acquire(key: string, limit: number, leaseMs: number): Promise<Lease | undefined> {
    const redisKey = `${this.#prefix}l:${key}`;
    const id = randomUUID();
    const [taken, held] = await this.#redis.umbralRateAcquire(redisKey, limit, leaseMs, id);
    if (taken !== 1) return undefined;
    let released: Promise<void> | undefined;
    return {
      held: Number(held),
      limit,
      release: () => (released ??= this.#redis.zrem(redisKey, id).then(() => undefined)),
    };
  }

  async close(): Promise<void> {
    await closeRedis(this.#redis);
  }
}
