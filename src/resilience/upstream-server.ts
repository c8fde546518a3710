import type { ServerStatus } from './upstream-control.js';
import type { BreakerPolicy } from './resilience-policy.js';
import { ServerBreaker } from './server-breaker.js';

/** One server of a group: its client, breaker, health and the calls it has in flight. */
export class UpstreamServer<C> {
  readonly breaker: ServerBreaker;
  outstanding = 0;
  healthy = true;
  /** Left the group: takes no new call, disconnects when its last one ends. */
  removed = false;

  constructor(readonly url: string, readonly client: C, breaker: BreakerPolicy, onBreaker: (state: ServerStatus['breaker']) => void) {
    this.breaker = new ServerBreaker(breaker, onBreaker);
  }

  status(): ServerStatus {
    return { url: this.url, healthy: this.healthy, breaker: this.breaker.state, outstanding: this.outstanding };
  }
}

/**
 * The server for the next attempt: among those whose breaker admits a call, the healthy ones first
 * (a failing health check can lag, so unhealthy ones are used rather than none), fewest calls in
 * flight, ties broken by rotating from `turn`; `avoid` (the server that just failed) only when no
 * other is eligible.
 */
export function pickServer<C>(servers: readonly UpstreamServer<C>[], turn: number, avoid?: UpstreamServer<C>): UpstreamServer<C> | undefined {
  const admitted = servers.filter((s) => !s.removed && s.breaker.admits());
  const others = admitted.filter((s) => s !== avoid);
  const pool = others.length > 0 ? others : admitted;
  const healthy = pool.filter((s) => s.healthy);
  const candidates = healthy.length > 0 ? healthy : pool;
  let best: UpstreamServer<C> | undefined;
  for (let i = 0; i < candidates.length; i++) {
    const server = candidates[(turn + i) % candidates.length] as UpstreamServer<C>;
    if (!best || server.outstanding < best.outstanding) best = server;
  }
  return best;
}
