/**
 * A scheduled job: built in (drift checks, live-quality windows, prediction-log retention) or
 * defined by an operator (a retrain trigger: a webhook call or a command). The scheduler
 * (job-scheduler.ts) runs each due run of a job once across every replica sharing the database,
 * keeps its history, and reports a failure as a `job.failed` event.
 */
export interface Job {
  /** Unique: `drift-check`, `quality-window`, `prediction-retention`, or an operator's own name. */
  readonly name: string;
  /** A cron expression (UTC: five fields, or six with seconds first; schedule.ts) saying when it runs. */
  readonly schedule: string;
  /** One line for the admin API's list. */
  readonly description: string;
  /** The model it concerns, when it concerns one (notifications route by model). */
  readonly model?: string;
  /**
   * One run. Resolves to a short summary kept in the run's history ("3 models checked, 1 alert");
   * a throw is a failed run. `signal` fires when the server shuts down.
   */
  run(context: JobContext): Promise<string | void>;
}

export interface JobContext {
  /** The time this run was due (not when it started). */
  readonly due: Date;
  readonly signal: AbortSignal;
}
