import { setTimeout as sleep } from 'node:timers/promises';
import { context, SpanKind } from '@opentelemetry/api';
import type { ServerStatus, UpstreamControl } from './upstream-control.js';
import { Errors } from '../errors/catalogue.js';
import { runInSpan, tracer, tracingEnabled } from '../observability/tracing.js';
import { backoffDelayMs } from './backoff.js';
import type { ResiliencePolicy } from './resilience-policy.js';
import { RetryBudget } from './retry-budget.js';
import { BrokenCircuitError } from './server-breaker.js';
import { toCatalogueError } from './to-catalogue-error.js';
import { isUpstreamError, UpstreamError } from './upstream-error.js';
import { pickServer, UpstreamServer } from './upstream-server.js';

/** What the group reports, for metrics and logs (wired by the server; optional in tests). */
export interface UpstreamObserver {
  /**
   * One attempt finished: `outcome` is 'ok', the UpstreamFailure or 'status_<code>', 'circuit_open',
   * 'cancelled' (the caller left), or 'error' (the attempt threw something that is not an UpstreamError).
   */
  attempt?(group: string, server: string, outcome: string, seconds: number): void;
  retry?(group: string): void;
  /** A retry was wanted but the budget was spent. */
  budgetExhausted?(group: string): void;
  /**
   * A server's breaker state: `changed` when it just moved there, false when the group reports where
   * a server it (re)lists stands (a new group, a new server list).
   */
  breakerState?(group: string, server: string, state: ServerStatus['breaker'], changed: boolean): void;
  /** A server's health, `changed` as for `breakerState` (a health check's verdict changed). */
  health?(group: string, server: string, healthy: boolean, changed: boolean): void;
}

export interface UpstreamGroupOptions<C> {
  /** The group's name (the model's name) in metrics, logs and `/admin/breakers`. */
  readonly name: string;
  readonly servers: readonly string[];
  readonly policy: ResiliencePolicy;
  /**
   * Makes the client of one server (an undici Pool, a grpc-js client); called once per server URL.
   * Throws, saying what form the address needs, for one this backend cannot reach.
   */
  connect(url: string): C;
  /** Closes a client made by `connect` (its server left the group, or the group closes). */
  disconnect(client: C): Promise<void>;
  /** Resolves when the server's own ready endpoint says ready; rejects (or resolves false) otherwise. */
  healthCheck(client: C, signal: AbortSignal): Promise<boolean>;
  readonly observer?: UpstreamObserver;
}

/** Options of one call through the group. */
export interface GroupCallOptions {
  /** The caller's signal (client gone, request deadline): stops waiting, retrying and the attempt. */
  readonly signal: AbortSignal;
}

/** Longest a health check may take, whatever the interval. */
const HEALTH_TIMEOUT_MS = 2_000;

/**
 * N servers of one remote model behind one call: least-outstanding-requests balancing over the
 * servers that are healthy and whose breaker lets calls through; a circuit breaker per server;
 * retries of retryable failures (UpstreamError.retryable) on another server where there is one, with
 * exponential backoff and full jitter, honouring Retry-After, within a retry budget; the policy's
 * deadline over all attempts. Throws catalogue errors (UMBRAL_ERR_UPSTREAM_*, CIRCUIT_OPEN,
 * DEADLINE_EXCEEDED) or the caller's abort reason.
 */
export class UpstreamGroup<C> implements UpstreamControl {
  readonly name: string;
  #servers: UpstreamServer<C>[] = [];
  readonly #budget: RetryBudget;
  readonly #health: NodeJS.Timeout | undefined;
  #turn = 0;
  #closed = false;

  constructor(private readonly options: UpstreamGroupOptions<C>) {
    this.name = options.name;
    this.#budget = new RetryBudget(options.policy.retry.budgetRatio, options.policy.retry.minRetriesPerSecond);
    this.setServers(options.servers);
    const interval = options.policy.healthCheckIntervalMs;
    if (interval > 0) {
      this.#health = setInterval(() => void this.checkHealth(), interval);
      this.#health.unref();
      void this.checkHealth();
    }
  }

  /**
   * Runs `attempt` against a chosen server, again on failure as the policy allows. `attempt` gets
   * that server's client, a signal that fires at the deadline or when the caller gives up, and the
   * deadline itself (epoch ms, for protocols that carry it, as gRPC does); it throws UpstreamError
   * for what went wrong upstream.
   */
  async call<T>(attempt: (client: C, signal: AbortSignal, deadline: number) => Promise<T>, options: GroupCallOptions): Promise<T> {
    const { policy } = this.options;
    const caller = options.signal;
    if (caller.aborted) throw caller.reason;
    // One controller for both ends (the caller leaving, the deadline), linked by hand: cheaper per call than AbortSignal.any.
    const cut = new AbortController();
    const deadline = { at: Date.now() + policy.timeoutMs, passed: false };
    const started = performance.now();
    const timer = setTimeout(() => {
      deadline.passed = true;
      cut.abort(Errors.deadlineExceeded(policy.timeoutMs));
    }, policy.timeoutMs);
    const onCallerAbort = () => cut.abort(caller.reason);
    caller.addEventListener('abort', onCallerAbort, { once: true });
    this.#budget.recordRequest();
    let previous: UpstreamServer<C> | undefined;
    try {
      for (let n = 1; ; n++) {
        const server = pickServer(this.#servers, this.#turn++, previous);
        if (!server) throw this.#circuitOpen();
        try {
          return await this.#attempt(server, (client, s) => attempt(client, s, deadline.at), cut.signal, deadline, n);
        } catch (error) {
          if (cut.signal.aborted) throw cut.signal.reason;
          const wait = this.#retryDelay(error, n, policy.timeoutMs - (performance.now() - started));
          if (wait === undefined) throw toCatalogueError(this.name, error);
          this.options.observer?.retry?.(this.name);
          await sleep(wait, undefined, { signal: cut.signal });
          previous = server;
        }
      }
    } catch (error) {
      throw cut.signal.aborted ? cut.signal.reason : error;
    } finally {
      clearTimeout(timer);
      caller.removeEventListener('abort', onCallerAbort);
    }
  }

  /** One attempt on one server, under its breaker, counted, and traced when tracing is on. */
  async #attempt<T>(server: UpstreamServer<C>, attempt: (client: C, signal: AbortSignal) => Promise<T>, signal: AbortSignal,
    deadline: { readonly passed: boolean }, n: number): Promise<T> {
    const started = performance.now();
    server.outstanding++;
    let outcome = 'ok';
    const run = () => server.breaker.execute(async () => {
      try {
        return await untilAborted(attempt(server.client, signal), signal);
      } catch (error) {
        // Cut off by the deadline: a timeout of this server, which its breaker counts (a caller who left is not its fault).
        if (deadline.passed && !isUpstreamError(error)) throw new UpstreamError(`no answer from ${server.url} before the deadline`, 'timeout');
        throw error;
      }
    });
    try {
      return tracingEnabled ? await traced(server.url, n, run) : await run();
    } catch (error) {
      outcome = outcomeOf(error, signal);
      throw error;
    } finally {
      server.outstanding--;
      if (server.removed && server.outstanding === 0) void this.options.disconnect(server.client);
      this.options.observer?.attempt?.(this.name, server.url, outcome, (performance.now() - started) / 1000);
    }
  }

  /** How long to wait before retrying after `error` on attempt `n`, or undefined when not to retry. */
  #retryDelay(error: unknown, n: number, leftMs: number): number | undefined {
    const retry = this.options.policy.retry;
    if (!isUpstreamError(error) || !error.retryable || n >= retry.maxAttempts) return undefined;
    const wait = backoffDelayMs(retry, n, error.details.retryAfterMs);
    if (wait >= leftMs) return undefined;
    if (!this.#budget.tryRetry()) {
      this.options.observer?.budgetExhausted?.(this.name);
      return undefined;
    }
    return wait;
  }

  #circuitOpen() {
    const waits = this.#servers.filter((s) => !s.removed).map((s) => s.breaker.msUntilHalfOpen());
    return Errors.circuitOpen(this.name, Math.max(1, Math.ceil(Math.min(...waits, this.options.policy.breaker.halfOpenAfterMs) / 1000)));
  }

  /** Every server's client, for calls that go to all of them rather than through balancing (Triton's repository). */
  clients(): Array<{ readonly url: string; readonly client: C }> {
    return this.#servers.filter((s) => !s.removed).map((s) => ({ url: s.url, client: s.client }));
  }

  servers(): readonly ServerStatus[] {
    return this.#servers.map((server) => server.status());
  }

  /**
   * Replaces the server list; servers that stay keep their breaker and health. Throws a catalogue
   * 400 (and changes nothing) for an empty list or an address the backend cannot connect to.
   */
  setServers(urls: readonly string[]): void {
    if (urls.length === 0) throw Errors.invalidRequest('servers', `model '${this.name}' needs at least one server`);
    const kept = new Map(this.#servers.map((s) => [s.url, s]));
    const next: UpstreamServer<C>[] = [];
    try {
      for (const url of new Set(urls)) next.push(kept.get(url) ?? this.#connect(url));
    } catch (error) {
      for (const server of next) if (!kept.has(server.url)) void this.options.disconnect(server.client);
      throw Errors.invalidRequest('servers', (error as Error).message);
    }
    for (const server of this.#servers) {
      if (next.includes(server)) continue;
      server.removed = true;
      if (server.outstanding === 0) void this.options.disconnect(server.client);
    }
    this.#servers = next;
    for (const server of next) {
      this.options.observer?.breakerState?.(this.name, server.url, server.breaker.state, false);
      this.options.observer?.health?.(this.name, server.url, server.healthy, false);
    }
  }

  #connect(url: string): UpstreamServer<C> {
    return new UpstreamServer(url, this.options.connect(url), this.options.policy.breaker,
      (state) => this.options.observer?.breakerState?.(this.name, url, state, true));
  }

  ready(): boolean {
    return this.#servers.some((s) => s.healthy && s.breaker.state !== 'open');
  }

  /** Asks every server's own ready endpoint; a change is reported to the observer. */
  async checkHealth(): Promise<void> {
    const timeout = Math.min(this.options.policy.healthCheckIntervalMs || HEALTH_TIMEOUT_MS, HEALTH_TIMEOUT_MS);
    await Promise.all(this.#servers.map(async (server) => {
      const healthy = await this.options.healthCheck(server.client, AbortSignal.timeout(timeout)).catch(() => false);
      if (this.#closed || healthy === server.healthy) return;
      server.healthy = healthy;
      this.options.observer?.health?.(this.name, server.url, healthy, true);
    }));
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#health);
    await Promise.all(this.#servers.map((server) => this.options.disconnect(server.client)));
    this.#servers = [];
  }
}

/** The attempt inside a client span, made the active context so that the client sends its `traceparent`. */
function traced<T>(url: string, attempt: number, run: () => Promise<T>): Promise<T> {
  const span = tracer().startSpan('upstream attempt', { kind: SpanKind.CLIENT, attributes: { 'server.address': url, 'umbral.attempt': attempt } });
  return runInSpan(span, context.active(), run);
}

/** The `outcome` label of a failed attempt. */
function outcomeOf(error: unknown, signal: AbortSignal): string {
  if (isUpstreamError(error)) return error.failure === 'status' ? `status_${error.details.status ?? 'unknown'}` : error.failure;
  if (error instanceof BrokenCircuitError) return 'circuit_open';
  return signal.aborted ? 'cancelled' : 'error';
}

/**
 * `work`, or the signal's reason as soon as it fires: an attempt that does not heed its signal still
 * ends at the deadline, so that the call answers and a half-open breaker's probe does not stay out forever.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then((value) => {
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    }, (error: unknown) => {
      signal.removeEventListener('abort', onAbort);
      reject(error);
    });
  });
}
