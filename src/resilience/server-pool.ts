import { Errors } from '../errors/catalogue.js';
import type { BreakerPolicy } from './resilience-policy.js';
import type { GroupEvents } from './upstream-observer.js';
import { UpstreamServer } from './upstream-server.js';

/** How a pool reaches its servers, and where it reports their breakers and health. */
export interface ServerPoolOptions<C> {
  /** The group's name, in the refusal of an empty list. */
  readonly name: string;
  /** The policy of each server's breaker. */
  readonly breaker: BreakerPolicy;
  /**
   * Makes the client of one server (an undici Pool, a grpc-js client), once per URL; throws, saying
   * what form the address needs, for one the backend cannot reach.
   */
  connect(url: string): C;
  /** Closes a client made by `connect` (its server left the group, or the group closes). */
  disconnect(client: C): Promise<void>;
  readonly events: Pick<GroupEvents, 'breakerState' | 'health'>;
}

/**
 * The servers of a group, one client each: a new list keeps the servers that stay (their breaker
 * and health with them), connects the new ones, and retires those that left, each disconnecting
 * when its last call in flight ends.
 */
export class ServerPool<C> {
  #servers: UpstreamServer<C>[] = [];

  constructor(private readonly options: ServerPoolOptions<C>) {}

  /** The servers listed now, in the order given. */
  get servers(): readonly UpstreamServer<C>[] {
    return this.#servers;
  }

  /**
   * Replaces the list and reports where each listed server stands. Throws a catalogue 400 (and
   * changes nothing) for an empty list or an address the backend cannot connect to.
   */
  set(urls: readonly string[]): void {
    const { name, events } = this.options;
    if (urls.length === 0) throw Errors.invalidRequest('servers', `model '${name}' needs at least one server`);
    const kept = new Map(this.#servers.map((s) => [s.url, s]));
    const next: UpstreamServer<C>[] = [];
    try {
      for (const url of new Set(urls)) next.push(kept.get(url) ?? this.#connect(url));
    } catch (error) {
      for (const server of next) if (!kept.has(server.url)) void server.close();
      throw Errors.invalidRequest('servers', (error as Error).message);
    }
    for (const server of this.#servers) if (!next.includes(server)) server.retire();
    this.#servers = next;
    for (const server of next) {
      events.breakerState(server.url, server.breaker.state, false);
      events.health(server.url, server.healthy, false);
    }
  }

  /** Disconnects every listed server, calls in flight or not. */
  async close(): Promise<void> {
    const servers = this.#servers;
    this.#servers = [];
    await Promise.all(servers.map((server) => server.close()));
  }

  #connect(url: string): UpstreamServer<C> {
    const { breaker, events, disconnect } = this.options;
    return new UpstreamServer(url, this.options.connect(url), breaker, (state) => events.breakerState(url, state, true), disconnect);
  }
}
