import { attemptOn, type UpstreamAttempt } from './attempt.js';
import { Balancer } from './balancer.js';
import { CALLER_REASON, withDeadline } from './deadline.js';
import { HealthCheck, type HealthCheckOptions } from './health-check.js';
import type { ResiliencePolicy } from './resilience-policy.js';
import { Retry } from './retry.js';
import { ServerPool, type ServerPoolOptions } from './server-pool.js';
import { toCatalogueError } from './to-catalogue-error.js';
import type { ServerStatus, UpstreamControl } from './upstream-control.js';
import { groupEvents, type GroupEvents, type UpstreamObserver } from './upstream-observer.js';
import type { UpstreamServer } from './upstream-server.js';

/** A group's servers and policy, and how to reach a server (`connect`, `disconnect`) and ask it whether it is ready (`healthCheck`). */
export interface UpstreamGroupOptions<C> extends Pick<ServerPoolOptions<C>, 'connect' | 'disconnect'>, Pick<HealthCheckOptions<C>, 'healthCheck'> {
  /** The group's name (the model's name) in metrics, logs and `/admin/breakers`. */
  readonly name: string;
  readonly servers: readonly string[];
  readonly policy: ResiliencePolicy;
  readonly observer?: UpstreamObserver;
}

/**
 * N servers of one remote model behind one call, composed of small parts: the policy's deadline over
 * all attempts (deadline.ts), retries within a budget (retry.ts), least-outstanding balancing over
 * the servers whose breaker admits a call (balancer.ts), one attempt under its server's breaker
 * (attempt.ts), the server list (server-pool.ts) and health checks (health-check.ts). Throws catalogue
 * errors (UMBRAL_ERR_UPSTREAM_*, CIRCUIT_OPEN, DEADLINE_EXCEEDED) or the caller's abort reason.
 */
export class UpstreamGroup<C> implements UpstreamControl {
  readonly name: string;
  readonly #pool: ServerPool<C>;
  readonly #balancer: Balancer;
  readonly #retry: Retry;
  readonly #health: HealthCheck<C>;
  readonly #events: GroupEvents;
  readonly #timeoutMs: number;

  constructor(options: UpstreamGroupOptions<C>) {
    const { name, policy } = options;
    this.name = name;
    this.#timeoutMs = policy.timeoutMs;
    this.#events = groupEvents(name, options.observer);
    this.#pool = new ServerPool({ name, breaker: policy.breaker, connect: options.connect, disconnect: options.disconnect, events: this.#events });
    this.#pool.set(options.servers);
    this.#balancer = new Balancer(name, policy.breaker.halfOpenAfterMs);
    this.#retry = new Retry(policy.retry, this.#events);
    this.#health = new HealthCheck({ intervalMs: policy.healthCheckIntervalMs, servers: () => this.#pool.servers, healthCheck: options.healthCheck, events: this.#events });
  }

  /**
   * Runs `attempt` on a server the balancer picks, again (on another server where there is one) as
   * the retry policy allows. `signal` is the caller's (client gone, request deadline).
   */
  call<T>(attempt: UpstreamAttempt<C, T>, { signal }: { readonly signal: AbortSignal }): Promise<T> {
    return withDeadline(signal, this.#timeoutMs, (_signal, deadline) => {
      let last: UpstreamServer<C> | undefined;
      return this.#retry.run(deadline, (n) => {
        last = this.#balancer.pick(this.#pool.servers, last);
        return attemptOn(last, n, deadline, attempt, this.#events);
      }).catch((error: unknown) => { throw toCatalogueError(this.name, error); });
    }, CALLER_REASON);
  }

  /** Every server's client, for calls that go to all of them rather than through balancing (Triton's repository). */
  clients(): Array<{ readonly url: string; readonly client: C }> {
    return this.#pool.servers.map((s) => ({ url: s.url, client: s.client }));
  }

  servers(): readonly ServerStatus[] {
    return this.#pool.servers.map((server) => server.status());
  }

  /** Throws a catalogue 400 (and changes nothing) for an empty list or an address the backend cannot connect to. */
  setServers(urls: readonly string[]): void {
    this.#pool.set(urls);
  }

  ready(): boolean {
    return this.#pool.servers.some((s) => s.healthy && s.breaker.state !== 'open');
  }

  /** Asks every server's own ready endpoint; a change is reported to the observer. */
  checkHealth(): Promise<void> {
    return this.#health.run();
  }

  async close(): Promise<void> {
    this.#health.stop();
    await this.#pool.close();
  }
}
