import { Errors } from '../../errors/catalogue.js';
import { isUmbralError, type UmbralError } from '../../errors/umbral-error.js';
import type { Limits, Principal } from '../principal.js';
import type { CounterStore, Lease, WindowDecision } from './counter-store.js';

type Headers = Readonly<Record<string, string>>;

export interface RateLimiterOptions {
  readonly store: CounterStore;
  /** Limits of a principal that has none of its own; an absent or 0 field is no limit. */
  readonly defaults: Limits;
  /** Lifetime of a concurrency slot nobody released (a crashed replica): longer than the longest request. */
  readonly leaseMs: number;
}

/** An admitted request. */
export interface RateDecision {
  readonly allowed: true;
  /** RateLimit-Limit/-Remaining/-Reset of the most constraining window, and RateLimit-Policy; empty when none was checked. */
  readonly headers: Headers;
  /** Whether some counter was skipped because the store was down and the policy is to fail open. */
  readonly bypassed: boolean;
  /** Frees the concurrency slots the request holds; call it when the exchange ends. Idempotent. */
  release(): void;
}

/** The 429 `check` throws: UMBRAL_ERR_RATE_LIMITED with the headers to send (Retry-After among them). */
export type RateLimitedError = UmbralError & { readonly headers: Headers };

/** The headers a refused check attached to its error; undefined for any other error. */
export function rateLimitHeaders(error: unknown): Headers | undefined {
  return isUmbralError(error) && error.code === Errors.rateLimited.code ? (error as RateLimitedError).headers : undefined;
}

interface Rule {
  readonly key: string;
  readonly limit: number;
  /** Window length; undefined for a concurrency slot. */
  readonly windowMs?: number;
  /** For the 429 message: `10 requests per second on model 'x'`. */
  readonly what: string;
}

const NO_LIMITS: Limits = Object.freeze({});
const UNLIMITED: RateDecision = Object.freeze({ allowed: true, headers: Object.freeze({}), bypassed: false, release: () => {} });

/**
 * Per-second and per-minute sliding windows and a concurrency limit, per principal and, where a
 * model has limits of its own, per principal on that model. A refused request leaves no trace: the
 * windows it passed are refunded and the slots it took released, so retries do not dig it deeper.
 */
export class RateLimiter {
  constructor(private readonly options: RateLimiterOptions) {}

  /**
   * Admits a request of `principalId` or throws: a RateLimitedError (429), or whatever the store
   * throws (a FailSafeCounterStore failing closed throws UMBRAL_ERR_RATE_LIMIT_UNAVAILABLE, 503).
   * `limits` are the principal's own and replace the defaults when defined. Costs no store call when
   * no limit applies.
   */
  async check(principalId: string, limits: Limits | undefined, model?: { name: string; limits?: Limits }): Promise<RateDecision> {
    const rules = rulesOf(`p:${principalId}`, limits ?? this.options.defaults, '');
    if (model?.limits) rules.push(...rulesOf(`m:${model.name}:${principalId}`, model.limits, ` on model '${model.name}'`));
    if (rules.length === 0) return UNLIMITED;
    const windows = rules.filter((rule) => rule.windowMs !== undefined);
    const slots = rules.filter((rule) => rule.windowMs === undefined);
    const decisions = await this.#hitAll(windows);
    const leases = await this.#acquireAll(slots, windows, decisions);
    let released = false;
    return {
      allowed: true,
      headers: headersOf(windows, decisions),
      bypassed: decisions.some((d) => d.bypassed) || leases.some((lease) => lease.bypassed),
      release: () => {
        if (released) return;
        released = true;
        // The slot expires by itself at worst; a failing store is reported by the store's own hooks.
        for (const lease of leases) lease.release().catch(() => {});
      },
    };
  }

  /** The caller's own limits (or the defaults), whatever the model: access control's check of every inference request. */
  admit(principal: Principal): Promise<RateDecision> {
    return this.check(principal.id, principal.limits);
  }

  /**
   * The caller's limits on one model (the model's policy `rate_limit`, counted per caller): the data
   * plane's check, once it knows the model (from the path, the RPC or the body).
   */
  admitOnModel(principal: Principal, model: string, limits: Limits): Promise<RateDecision> {
    return this.check(principal.id, NO_LIMITS, { name: model, limits });
  }

  async #hitAll(windows: readonly Rule[]): Promise<WindowDecision[]> {
    const { store } = this.options;
    const settled = await Promise.allSettled(windows.map((w) => store.hit(w.key, w.limit, w.windowMs ?? 0)));
    const results = settled.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
    const failed = settled.find((s) => s.status === 'rejected');
    const denied = results.filter((d): d is WindowDecision => d?.allowed === false);
    if (!failed && denied.length === 0) return results.filter((d): d is WindowDecision => d !== undefined);
    await this.#refund(windows, results);
    if (failed) throw failed.reason;
    const what = windows.filter((_, i) => results[i]?.allowed === false).map((w) => w.what).join(', ');
    throw limited(what, Math.max(1, ...denied.map((d) => Math.ceil(d.resetMs / 1000))), headersOf(windows, results));
  }

  async #acquireAll(slots: readonly Rule[], windows: readonly Rule[], decisions: readonly WindowDecision[]): Promise<Lease[]> {
    const { store, leaseMs } = this.options;
    const settled = await Promise.allSettled(slots.map((s) => store.acquire(s.key, s.limit, leaseMs)));
    const leases = settled.flatMap((s) => (s.status === 'fulfilled' && s.value ? [s.value] : []));
    if (leases.length === slots.length) return leases;
    await Promise.all([...leases.map((lease) => lease.release().catch(() => {})), this.#refund(windows, decisions)]);
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const full = slots.filter((_, i) => { const s = settled[i]; return s?.status === 'fulfilled' && s.value === undefined; });
    // Nothing says when a slot frees; a second is the usual request time of a model server.
    throw limited(full.map((s) => s.what).join(', '), 1, headersOf(windows, decisions));
  }

  /** Gives back the units counted by windows a refused request passed. */
  async #refund(windows: readonly Rule[], decisions: ReadonlyArray<WindowDecision | undefined>): Promise<void> {
    const { store } = this.options;
    await Promise.all(windows.map((w, i) => {
      const d = decisions[i];
      return d?.allowed && !d.bypassed ? store.hit(w.key, w.limit, w.windowMs ?? 0, -1).catch(() => undefined) : undefined;
    }));
  }
}

function rulesOf(scope: string, limits: Limits, where: string): Rule[] {
  const rules: Rule[] = [];
  const { requestsPerSecond: perSecond, requestsPerMinute: perMinute, concurrent } = limits;
  if (perSecond) rules.push({ key: `${scope}:s`, limit: perSecond, windowMs: 1000, what: `${perSecond} requests per second${where}` });
  if (perMinute) rules.push({ key: `${scope}:m`, limit: perMinute, windowMs: 60_000, what: `${perMinute} requests per minute${where}` });
  if (concurrent) rules.push({ key: `${scope}:c`, limit: concurrent, what: `${concurrent} concurrent requests${where}` });
  return rules;
}

/**
 * RateLimit header fields (https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/),
 * in the widely deployed form: one field each, the window with the least remaining. Windows the
 * store did not check are left out; concurrency is no quota over time, so it has no field.
 */
function headersOf(windows: readonly Rule[], decisions: ReadonlyArray<WindowDecision | undefined>): Headers {
  const checked = windows.flatMap((w, i) => { const d = decisions[i]; return d && !d.bypassed ? [{ w, d }] : []; });
  const tightest = checked.reduce<(typeof checked)[number] | undefined>((best, c) =>
    !best || c.d.remaining < best.d.remaining || (c.d.remaining === best.d.remaining && c.d.resetMs > best.d.resetMs) ? c : best, undefined);
  if (!tightest) return {};
  return {
    'RateLimit-Limit': String(tightest.d.limit),
    'RateLimit-Remaining': String(tightest.d.remaining),
    'RateLimit-Reset': String(Math.ceil(tightest.d.resetMs / 1000)),
    'RateLimit-Policy': checked.map(({ w }) => `${w.limit};w=${(w.windowMs ?? 0) / 1000}`).join(', '),
  };
}

function limited(what: string, retryAfterSeconds: number, headers: Headers): RateLimitedError {
  return Object.assign(Errors.rateLimited(what, retryAfterSeconds), { headers: { ...headers, 'Retry-After': String(retryAfterSeconds) } });
}
