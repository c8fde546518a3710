import type { Schedule } from './schedule.js';

/** setTimeout's longest delay (about 24.8 days); a later due time is reached in several waits. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The due time a job should run for at `now`, if any: its latest due time at or before `now`, when
 * that is later than the last due time claimed (`lastDue`, by any replica).
 *
 * Catch-up: after downtime this is the latest missed due time only, so a job that missed ten slots
 * runs once, not ten times. A job with no run yet starts from `since` (when the scheduler started,
 * or when an operator created the job): a due time before it is not caught up, so a new deployment
 * does not fire every daily job at start.
 */
export function dueRun(schedule: Schedule, now: Date, lastDue: Date | undefined, since: Date): Date | undefined {
  const latest = schedule.latest(now);
  if (latest === undefined) return undefined;
  if (lastDue !== undefined) return latest > lastDue ? latest : undefined;
  return latest >= since ? latest : undefined;
}

/** Milliseconds from `now` until the earliest of `times` (0 when one has passed), capped at MAX_TIMER_MS; undefined for none. */
export function delayUntil(times: readonly Date[], now: Date): number | undefined {
  if (times.length === 0) return undefined;
  const earliest = Math.min(...times.map((time) => time.getTime()));
  return Math.min(MAX_TIMER_MS, Math.max(0, earliest - now.getTime()));
}
