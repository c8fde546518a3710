import { CronExpressionParser } from 'cron-parser';
import { Errors } from '../../errors/catalogue.js';

/**
 * A job's cron schedule, read in UTC. Five fields (`minute hour day-of-month month day-of-week`),
 * or six with a leading seconds field (`*\/10 * * * * *`: every ten seconds), or one of
 * cron-parser's names (`@hourly`, `@daily`, …). docs/guides/jobs.md.
 */
export interface Schedule {
  /** The first due time strictly after `after`. */
  next(after: Date): Date;
  /** The latest due time at or before `at`; undefined when there was none (no earlier match within cron-parser's search). */
  latest(at: Date): Date | undefined;
}

/**
 * Parses `expression`, or throws UMBRAL_ERR_JOB_SCHEDULE_INVALID saying what is wrong. `seed` fixes
 * the `H` (hashed) fields so that every replica computes the same times for the job of that name.
 */
export function parseSchedule(expression: string, seed: string): Schedule {
  const fields = expression.trim().split(/\s+/);
  const named = fields.length === 1 && fields[0]?.startsWith('@');
  if (!named && fields.length !== 5 && fields.length !== 6) {
    throw Errors.jobScheduleInvalid(expression, `it has ${expression.trim() === '' ? 0 : fields.length} fields; write five (minute hour day month weekday) or six (seconds first)`);
  }
  const parse = (currentDate: Date) => CronExpressionParser.parse(expression, { currentDate, tz: 'UTC', hashSeed: seed, strict: false });
  try {
    parse(new Date()).next();
  } catch (error) {
    throw Errors.jobScheduleInvalid(expression, error instanceof Error ? error.message : String(error));
  }
  return {
    next: (after) => parse(after).next().toDate(),
    latest: (at) => {
      try {
        // prev() is strictly before its start: start one millisecond later so that `at` itself counts.
        return parse(new Date(at.getTime() + 1)).prev().toDate();
      } catch {
        return undefined;
      }
    },
  };
}
