import { Errors } from '../errors/catalogue.js';
import type { ServerBreaker } from './server-breaker.js';

/** What balancing sees of a server. */
export interface Candidate {
  /** Calls in flight on it. */
  readonly outstanding: number;
  /** Its last health check passed. */
  readonly healthy: boolean;
  readonly breaker: Pick<ServerBreaker, 'admits' | 'msUntilHalfOpen'>;
}

/**
 * Least outstanding requests: among the servers whose breaker admits a call, the healthy ones first
 * (a failing health check can lag, so unhealthy ones are used rather than none), fewest calls in
 * flight, ties broken by rotating; the server that just failed only when no other is eligible.
 */
export class Balancer {
  #turn = 0;

  /** `group` names the refusal; `halfOpenAfterMs` bounds the Retry-After it gives. */
  constructor(private readonly group: string, private readonly halfOpenAfterMs: number) {}

  /**
   * The server for the next attempt, avoiding `avoid` (the one that just failed) where it can.
   * Throws UMBRAL_ERR_CIRCUIT_OPEN, with a Retry-After until the first breaker lets a probe
   * through, when no breaker admits a call.
   */
  pick<S extends Candidate>(servers: readonly S[], avoid?: S): S {
    const admitted = servers.filter((s) => s.breaker.admits());
    const others = admitted.filter((s) => s !== avoid);
    const pool = others.length > 0 ? others : admitted;
    const healthy = pool.filter((s) => s.healthy);
    const candidates = healthy.length > 0 ? healthy : pool;
    const turn = this.#turn++;
    let best: S | undefined;
    for (let i = 0; i < candidates.length; i++) {
      const server = candidates[(turn + i) % candidates.length] as S;
      if (!best || server.outstanding < best.outstanding) best = server;
    }
    if (!best) throw this.#circuitOpen(servers);
    return best;
  }

  #circuitOpen(servers: readonly Candidate[]) {
    const waits = servers.map((s) => s.breaker.msUntilHalfOpen());
    return Errors.circuitOpen(this.group, Math.max(1, Math.ceil(Math.min(...waits, this.halfOpenAfterMs) / 1000)));
  }
}
