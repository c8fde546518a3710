import { Errors } from '../../errors/catalogue.js';
import type { Database } from '../../store/database.js';
import { parseAction, type JobDefinition, type NewJob } from './job-definition.js';

/** Notified with a job's name when an operator job is added or removed, on any replica. */
export const JOBS_CHANNEL = 'umbral_jobs';

interface JobRow {
  name: string; schedule: string; description: string; model: string | null; action: unknown; enabled: boolean;
  created_by: string; created_at: Date;
}

/** The operator jobs of `umbral_jobs` (migration 0007-jobs); each change is announced on JOBS_CHANNEL. */
export class JobStore {
  constructor(private readonly db: Database) {}

  async list(): Promise<JobDefinition[]> {
    const rows = await this.db.query<JobRow>('SELECT * FROM umbral_jobs ORDER BY name');
    return rows.map(toDefinition);
  }

  /** Stores a new job; UMBRAL_ERR_JOB_EXISTS when the name is taken. */
  async add(job: NewJob, actor: string): Promise<JobDefinition> {
    return this.db.transaction(async (tx) => {
      // ON CONFLICT, not a caught unique violation: a concurrent insert of the same name waits, then finds it.
      const rows = await tx.query<JobRow>(
        `INSERT INTO umbral_jobs (name, schedule, description, model, action, enabled, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING RETURNING *`,
        [job.name, job.schedule, job.description, job.model ?? null, JSON.stringify(job.action), job.enabled, actor]);
      const row = rows[0];
      if (!row) throw Errors.jobExists(job.name);
      await this.db.notify(JOBS_CHANNEL, job.name, tx);
      return toDefinition(row);
    });
  }

  /** Removes a job; false when there was none of that name. Its run history stays. */
  async remove(name: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query('DELETE FROM umbral_jobs WHERE name = $1 RETURNING name', [name]);
      if (rows.length > 0) await this.db.notify(JOBS_CHANNEL, name, tx);
      return rows.length > 0;
    });
  }

  /** Calls `onChange` with a job's name on each change from any replica; resolves to a function that stops. */
  watch(onChange: (name: string) => void): Promise<() => Promise<void>> {
    return this.db.listen(JOBS_CHANNEL, onChange);
  }
}

function toDefinition(row: JobRow): JobDefinition {
  return {
    name: row.name, schedule: row.schedule, description: row.description, ...(row.model === null ? {} : { model: row.model }),
    action: parseAction(row.action), enabled: row.enabled, createdBy: row.created_by, createdAt: row.created_at,
  };
}
