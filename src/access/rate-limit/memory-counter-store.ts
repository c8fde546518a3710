import { randomUUID } from 'node:crypto';
import type { CounterStore, Lease, WindowDecision } from './counter-store.js';

/** Counts of the fixed window `index` and the one before it. */
interface Window {
  index: number;
  current: number;
  previous: number;
  readonly windowMs: number;
}

export interface MemoryCounterStoreOptions {
  /** How often counters and leases nobody can still see are dropped (default 10 s). */
  readonly sweepMs?: number;
}

/**
 * Counters of one process: right for a single replica, wrong for several (each would allow the
 * full limit). Every method runs to completion without awaiting, so each is atomic.
 */
export class MemoryCounterStore implements CounterStore {
  readonly #windows = new Map<string, Window>();
  /** Key → lease id → expiry (epoch ms). */
  readonly #leases = new Map<string, Map<string, number>>();
  readonly #sweeper: NodeJS.Timeout;

  constructor(options: MemoryCounterStoreOptions = {}) {
    // Idle keys would otherwise accumulate, one per caller ever seen; unref lets the process exit.
    this.#sweeper = setInterval(() => this.#sweep(Date.now()), options.sweepMs ?? 10_000).unref();
  }

  /** Keys with counters or leases held in memory (idle ones go at the next sweep). */
  get size(): number {
    return this.#windows.size + this.#leases.size;
  }

  async hit(key: string, limit: number, windowMs: number, cost = 1): Promise<WindowDecision> {
    const now = Date.now();
    const index = Math.floor(now / windowMs);
    const window = rolled(this.#windows.get(key), index, windowMs);
    const elapsed = now - index * windowMs;
    const weight = (windowMs - elapsed) / windowMs;
    if (cost < 0) {
      refund(window, -cost);
      this.#windows.set(key, window);
      return { allowed: true, limit, remaining: remainingOf(window, weight, limit), resetMs: windowMs - elapsed };
    }
    const used = window.previous * weight + window.current;
    const asked = cost === 0 ? 1 : cost;
    if (used + asked > limit) {
      return { allowed: false, limit, remaining: remainingOf(window, weight, limit), resetMs: waitMs(window, elapsed, limit, asked) };
    }
    if (cost > 0) {
      window.current += cost;
      this.#windows.set(key, window);
    }
    return { allowed: true, limit, remaining: remainingOf(window, weight, limit), resetMs: windowMs - elapsed };
  }

  async acquire(key: string, limit: number, leaseMs: number): Promise<Lease | undefined> {
    const now = Date.now();
    const held = this.#leases.get(key) ?? new Map<string, number>();
    for (const [id, expiresAt] of held) if (expiresAt <= now) held.delete(id);
    if (held.size >= limit) return undefined;
    const id = randomUUID();
    held.set(id, now + leaseMs);
    this.#leases.set(key, held);
    return {
      held: held.size,
      limit,
      release: async () => {
        held.delete(id);
        if (held.size === 0 && this.#leases.get(key) === held) this.#leases.delete(key);
      },
    };
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
  }

  #sweep(now: number): void {
    for (const [key, window] of this.#windows) {
      if (window.index < Math.floor(now / window.windowMs) - 1) this.#windows.delete(key);
    }
    for (const [key, held] of this.#leases) {
      for (const [id, expiresAt] of held) if (expiresAt <= now) held.delete(id);
      if (held.size === 0) this.#leases.delete(key);
    }
  }
}

/** `window` moved on to fixed window `index`: the current count becomes the previous one, or both lapse. */
function rolled(window: Window | undefined, index: number, windowMs: number): Window {
  if (window === undefined || window.index < index - 1) return { index, current: 0, previous: 0, windowMs };
  if (window.index === index - 1) return { index, current: 0, previous: window.current, windowMs };
  return window;
}

/** Takes units back from the current window first, then from the previous one (the hit may have been counted there). */
function refund(window: Window, units: number): void {
  const fromCurrent = Math.min(window.current, units);
  window.current -= fromCurrent;
  window.previous = Math.max(0, window.previous - (units - fromCurrent));
}

function remainingOf(window: Window, weight: number, limit: number): number {
  return Math.max(0, Math.floor(limit - (window.previous * weight + window.current)));
}

/**
 * Milliseconds until `asked` units fit. The previous window's weight falls linearly; if the current
 * window alone leaves no room, wait for it to become the previous one and fade in turn. The Redis
 * store's Lua script is the same computation.
 */
function waitMs(window: Window, elapsed: number, limit: number, asked: number): number {
  const { windowMs, current, previous } = window;
  const room = limit - current - asked;
  if (room >= 0 && previous > 0) return Math.max(1, Math.ceil(windowMs - (room * windowMs) / previous - elapsed));
  if (limit < asked) return 2 * windowMs;
  return Math.max(1, Math.ceil(windowMs - elapsed + windowMs - ((limit - asked) * windowMs) / current));
}
