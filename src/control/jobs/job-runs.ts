import type { Queryable } from '../../store/database.js';

/** Where a run is: claimed and going, finished either way, given up on, or not started at all. */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'abandoned' | 'skipped';
/** Why it ran: its schedule came due, or someone asked (`POST /admin/jobs/{name}/run`). */
export type RunTrigger = 'schedule' | 'manual';

/** One run of a job, as its history keeps it. */
export interface JobRun {
  readonly id: string;
  readonly job: string;
  readonly due: Date;
  readonly trigger: RunTrigger;
  readonly status: RunStatus;
  /** `hostname:pid` of the replica that claimed it. */
  readonly replica: string;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly durationMs: number | null;
  readonly summary: string | null;
  readonly error: string | null;
}

/** How a run ended. */
export interface RunOutcome {
  readonly status: 'succeeded' | 'failed' | 'abandoned';
  readonly durationMs: number;
  readonly summary?: string;
  readonly error?: string;
}

interface RunRow {
  id: string; job: string; due: Date; trigger: RunTrigger; status: RunStatus; replica: string; started_at: Date;
  finished_at: Date | null; duration_ms: number | null; summary: string | null; error: string | null;
}

const LEASE = "($1::bigint * interval '1 millisecond')";

/**
 * The runs table (migration 0007-jobs): claims, heartbeats, outcomes and history. Lease arithmetic
 * uses the database's clock, so replicas whose clocks differ still agree on what has expired.
 */
export class JobRuns {
  constructor(private readonly db: Queryable, private readonly leaseMs: number) {}

  /**
   * Claims the run of `job` due at `due`. Resolves to the new run's id and status — `running`: this
   * replica runs it; `skipped`: a run of the job is still going (recorded, not run) — or to undefined
   * when another replica claimed that due time first.
   */
  async claim(job: string, due: Date, trigger: RunTrigger, replica: string): Promise<{ id: string; status: 'running' | 'skipped' } | undefined> {
    const rows = await this.db.query<{ id: string; status: 'running' | 'skipped' }>(
      `WITH busy AS (
         SELECT EXISTS (SELECT 1 FROM umbral_job_runs WHERE job = $2::text AND status = 'running' AND heartbeat_at > now() - ${LEASE}) AS b)
       INSERT INTO umbral_job_runs (job, due, trigger, replica, status, finished_at, duration_ms, summary)
       SELECT $2::text, $3::timestamptz, $4::text, $5::text,
         CASE WHEN b THEN 'skipped' ELSE 'running' END, CASE WHEN b THEN now() END, CASE WHEN b THEN 0 END,
         CASE WHEN b THEN 'not run: the previous run was still running' END
       FROM busy
       ON CONFLICT (job, due) DO NOTHING
       RETURNING id, status`,
      [this.leaseMs, job, due, trigger, replica]);
    return rows[0];
  }

  /** Says the run is still going; false when it is no longer `running` (another replica gave up on it). */
  async heartbeat(id: string): Promise<boolean> {
    const rows = await this.db.query("UPDATE umbral_job_runs SET heartbeat_at = now() WHERE id = $1 AND status = 'running' RETURNING id", [id]);
    return rows.length > 0;
  }

  /** Records how the run ended (over an `abandoned` mark too: what happened beats a guess). */
  async finish(id: string, outcome: RunOutcome): Promise<void> {
    await this.db.query(
      'UPDATE umbral_job_runs SET status = $2, finished_at = now(), duration_ms = $3, summary = $4, error = $5 WHERE id = $1',
      [id, outcome.status, outcome.durationMs, outcome.summary ?? null, outcome.error ?? null]);
  }

  /**
   * Marks `abandoned` every run whose replica has not confirmed it within the lease (it died or lost
   * the database), and returns them: each row is returned to one replica only.
   */
  async abandonExpired(): Promise<JobRun[]> {
    const rows = await this.db.query<RunRow>(
      `UPDATE umbral_job_runs SET status = 'abandoned', finished_at = now(),
         error = 'its replica ' || replica || ' stopped confirming it (it died or lost the database); the next due run goes ahead'
       WHERE status = 'running' AND heartbeat_at < now() - ${LEASE}
       RETURNING *`, [this.leaseMs]);
    return rows.map(toRun);
  }

  /** The latest due time claimed per job (the catch-up baseline). */
  async lastDues(): Promise<Map<string, Date>> {
    const rows = await this.db.query<{ job: string; due: Date }>('SELECT job, max(due) AS due FROM umbral_job_runs GROUP BY job');
    return new Map(rows.map((row) => [row.job, row.due]));
  }

  /** The newest run of each job. */
  async latest(): Promise<Map<string, JobRun>> {
    const rows = await this.db.query<RunRow>('SELECT DISTINCT ON (job) * FROM umbral_job_runs ORDER BY job, due DESC, id DESC');
    return new Map(rows.map((row) => [row.job, toRun(row)]));
  }

  /** A job's runs, newest first. */
  async history(job: string, limit: number): Promise<JobRun[]> {
    const rows = await this.db.query<RunRow>('SELECT * FROM umbral_job_runs WHERE job = $1 ORDER BY due DESC, id DESC LIMIT $2', [job, limit]);
    return rows.map(toRun);
  }

  /** Deletes finished runs older than `days` but each job's newest (its catch-up baseline); resolves to how many. */
  async prune(days: number): Promise<number> {
    const rows = await this.db.query(
      `DELETE FROM umbral_job_runs WHERE finished_at < now() - ($1::int * interval '1 day')
         AND (job, due) NOT IN (SELECT job, max(due) FROM umbral_job_runs GROUP BY job)
       RETURNING id`, [days]);
    return rows.length;
  }
}

function toRun(row: RunRow): JobRun {
  return {
    id: String(row.id), job: row.job, due: row.due, trigger: row.trigger, status: row.status, replica: row.replica,
    startedAt: row.started_at, finishedAt: row.finished_at, durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    summary: row.summary, error: row.error,
  };
}
