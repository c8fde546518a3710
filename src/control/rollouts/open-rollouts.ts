import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Registry as MetricsRegistry } from 'prom-client';
import type { PendingPredictions } from '../../mlops/feedback/feedback-service.js';
import { registerRolloutMetrics } from '../../observability/rollout-metrics.js';
import type { Database } from '../../store/database.js';
import type { GuardSources } from './guard-inputs.js';
import { RolloutStore } from './rollout-store.js';
import { RolloutTicker } from './rollout-ticker.js';
import { Rollouts, type RolloutsDeps } from './rollouts.js';

export interface OpenRolloutsOptions extends Omit<GuardSources, 'db'>, Pick<RolloutsDeps, 'registry' | 'admin' | 'gate' | 'events'> {
  readonly db: Database;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  /** `rollouts.tickMs`. */
  readonly tickMs: number;
  readonly pending?: PendingPredictions;
}

/** Shortest lease on a rollout: long enough for a step's policy change and promotion to finish. */
const MIN_LEASE_MS = 30_000;

/** The rollouts service (admin API) and its ticker (started once the server listens), sharing one store. */
export function openRollouts(options: OpenRolloutsOptions): { rollouts: Rollouts; ticker: RolloutTicker } {
  const store = new RolloutStore(options.db);
  // A restarted process, or two servers in one process (tests), each hold their own leases.
  const replica = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const leaseMs = Math.max(MIN_LEASE_MS, options.tickMs * 10);
  const rollouts = new Rollouts({
    store, registry: options.registry, admin: options.admin, events: options.events, replica, leaseMs,
    ...(options.gate ? { gate: options.gate } : {}),
  });
  const ticker = new RolloutTicker({
    db: options.db, store, rollouts, logger: options.logger, tickMs: options.tickMs, replica, leaseMs,
    observer: registerRolloutMetrics(options.metrics),
    ...(options.pending ? { pending: options.pending } : {}),
    ...(options.abReport ? { abReport: options.abReport } : {}),
    ...(options.shadow ? { shadow: options.shadow } : {}),
  });
  return { rollouts, ticker };
}
