import type { ServerStatus } from './upstream-control.js';

/** What a server group reports, for metrics and logs (wired by the server; optional in tests). */
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

/**
 * An UpstreamObserver's reports for one group, its name filled in and every report present: what
 * the parts of a group (attempt, retry, pool, health check) report to, knowing neither.
 */
export interface GroupEvents {
  attempt(server: string, outcome: string, seconds: number): void;
  retry(): void;
  budgetExhausted(): void;
  breakerState(server: string, state: ServerStatus['breaker'], changed: boolean): void;
  health(server: string, healthy: boolean, changed: boolean): void;
}

/** `observer`'s reports for the group `name` (none when there is no observer). */
export function groupEvents(name: string, observer: UpstreamObserver | undefined): GroupEvents {
  return {
    attempt: (server, outcome, seconds) => observer?.attempt?.(name, server, outcome, seconds),
    retry: () => observer?.retry?.(name),
    budgetExhausted: () => observer?.budgetExhausted?.(name),
    breakerState: (server, state, changed) => observer?.breakerState?.(name, server, state, changed),
    health: (server, healthy, changed) => observer?.health?.(name, server, healthy, changed),
  };
}
