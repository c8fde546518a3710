import type { Job } from './job.js';
import type { JobAction, JobDefinition } from './job-definition.js';
import type { JobRun } from './job-runs.js';
import type { Schedule } from './schedule.js';

/** A job's action as reads show it: a webhook by its origin and header names only (either may carry a token). */
export type ShownAction =
  | { readonly webhook: { readonly url: string; readonly headers: readonly string[] } }
  | { readonly command: readonly string[] };

/** A job as the admin API lists it. */
export interface JobView {
  readonly name: string;
  /** `built-in` (registered in code by every replica) or `operator` (stored, added through the admin API). */
  readonly kind: 'built-in' | 'operator';
  readonly schedule: string;
  readonly description: string;
  readonly model: string | null;
  readonly enabled: boolean;
  /** Operator jobs only. */
  readonly action: ShownAction | null;
  readonly createdBy: string | null;
  readonly createdAt: Date | null;
  /** The next due time (null when disabled). */
  readonly nextRun: Date | null;
  /** The newest run, whatever its status. */
  readonly lastRun: JobRun | null;
}

export function builtInView(job: Job, schedule: Schedule, now: Date, lastRun: JobRun | undefined): JobView {
  return {
    name: job.name, kind: 'built-in', schedule: job.schedule, description: job.description, model: job.model ?? null, enabled: true,
    action: null, createdBy: null, createdAt: null, nextRun: schedule.next(now), lastRun: lastRun ?? null,
  };
}

export function operatorView(definition: JobDefinition, schedule: Schedule | undefined, now: Date, lastRun: JobRun | undefined): JobView {
  return {
    name: definition.name, kind: 'operator', schedule: definition.schedule, description: definition.description,
    model: definition.model ?? null, enabled: definition.enabled, action: showAction(definition.action),
    createdBy: definition.createdBy, createdAt: definition.createdAt,
    nextRun: definition.enabled && schedule ? schedule.next(now) : null, lastRun: lastRun ?? null,
  };
}

function showAction(action: JobAction): ShownAction {
  if ('command' in action) return { command: action.command };
  return { webhook: { url: new URL(action.webhook.url).origin, headers: Object.keys(action.webhook.headers ?? {}) } };
}
