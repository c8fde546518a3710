import type { Queryable } from '../../store/database.js';

/** The challenger's logged requests in one step of a rollout. */
export interface StepStats {
  readonly requests: number;
  /** Answered 5xx, or answered by another version than the challenger (its fallback chain stood in). */
  readonly failures: number;
  /** 99th percentile of latency_ms; null without requests. */
  readonly p99Ms: number | null;
}

/**
 * Reads the prediction log, the one record every replica writes to, so the guards judge the
 * challenger on every replica's requests: those the split gave variant `challenger` since the step
 * started. A request the challenger failed that the fallback chain answered is logged as 200 from
 * another version: it counts as a failure of the challenger.
 */
export async function stepStats(db: Queryable, model: string, challenger: number, since: Date): Promise<StepStats> {
  const [row] = await db.query<{ requests: string | number; failures: string | number; p99: number | null }>(
    `SELECT count(*) AS requests,
            count(*) FILTER (WHERE status >= 500 OR (status < 400 AND version <> $3)) AS failures,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99
     FROM umbral_predictions
     WHERE model = $1 AND variant = 'challenger' AND at >= $2`,
    [model, since, String(challenger)]);
  return { requests: Number(row?.requests ?? 0), failures: Number(row?.failures ?? 0), p99Ms: row?.p99 === null || row?.p99 === undefined ? null : Number(row.p99) };
}
