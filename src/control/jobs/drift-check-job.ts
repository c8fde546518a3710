import type { DriftMonitor } from '../../mlops/drift/drift-monitor.js';
import type { Job } from './job.js';

/**
 * The built-in drift check (docs/guides/drift.md). It runs every minute and checks each model whose
 * `drift.schedule` (every five minutes by default) has a run due since its last check: the models'
 * own schedules need no job of their own, and a policy change needs no job registered again. The
 * monitor claims each model's due run in the database, so a replica that runs the job as well checks
 * nothing twice.
 */
export function driftCheckJob(monitor: Pick<DriftMonitor, 'check'>): Job {
  return {
    name: 'drift-check',
    schedule: '* * * * *',
    description: 'Drift of each served version against its reference (models with a drift policy, on their drift.schedule)',
    // Windows end when the run starts, not at its due time: a run started late (or by hand) sees every prediction made until then.
    run: ({ signal }) => monitor.check(new Date(), { signal }),
  };
}
