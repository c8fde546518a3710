import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { Errors } from '../../errors/catalogue.js';
import { NO_EVENTS, type EventSink } from '../../mlops/events/umbral-event.js';
import type { Database } from '../../store/database.js';
import { delayUntil, dueRun } from './due-run.js';
import { executeRun, reportFailure, type ClaimedRun } from './execute-run.js';
import type { Job } from './job.js';
import { parseNewJob, type JobDefinition } from './job-definition.js';
import { JobRuns, type JobRun } from './job-runs.js';
import { JobStore } from './job-store.js';
import { builtInView, operatorView, type JobView } from './job-view.js';
import { operatorJob } from './operator-job.js';
import { parseSchedule, type Schedule } from './schedule.js';

export interface JobSchedulerOptions {
  readonly db: Database;
  readonly logger: Logger;
  /** Where `job.failed` goes; default nowhere. */
  readonly events?: EventSink;
  /** config `jobs`: the lease after which an unconfirmed run is abandoned, operator jobs' timeout, resync, history. */
  readonly leaseMs: number;
  readonly commandTimeoutMs: number;
  readonly resyncIntervalMs: number;
  readonly historyDays: number;
  /** Names this replica in the runs it claims; default `hostname:pid`. */
  readonly replica?: string;
}

interface Entry {
  readonly job: Job;
  readonly schedule: Schedule;
  /** Due times before it are not caught up when the job has never run. */
  readonly since: Date;
  readonly enabled: boolean;
}

/** After a failed claim (the database unreachable), the next try. */
const RETRY_MS = 5_000;

/**
 * Runs jobs on their cron schedules (UTC), each due run once across every replica sharing the
 * database: a run is claimed by inserting (job, due time) into umbral_job_runs, and only the replica
 * whose insert lands runs it. One timer, to the next due time of any job; operator jobs follow
 * LISTEN/NOTIFY and a periodic resync. Policies (catch-up, leases, overlap): docs/guides/jobs.md.
 */
export class JobScheduler {
  readonly #runs: JobRuns;
  readonly #store: JobStore;
  readonly #events: EventSink;
  readonly #replica: string;
  readonly #builtIn = new Map<string, Entry>();
  #operator = new Map<string, Entry>();
  readonly #lastDues = new Map<string, Date>();
  readonly #running = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  #chain: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #resync: NodeJS.Timeout | undefined;
  #unwatch: (() => Promise<void>) | undefined;
  #retryAt: Date | undefined;
  #started = false;

  constructor(private readonly options: JobSchedulerOptions) {
    this.#runs = new JobRuns(options.db, options.leaseMs);
    this.#store = new JobStore(options.db);
    this.#events = options.events ?? NO_EVENTS;
    this.#replica = options.replica ?? `${hostname()}:${process.pid}`;
  }

  /** Adds a built-in job (before or after start). Its name must be unique; its schedule valid. */
  register(job: Job): void {
    if (this.#builtIn.has(job.name)) throw Errors.jobExists(job.name);
    this.#builtIn.set(job.name, { job, schedule: parseSchedule(job.schedule, job.name), since: new Date(), enabled: true });
    if (this.#started) this.#arm();
  }

  /** Starts running due jobs on this replica: reads operator jobs and the latest runs, then arms the timer. */
  async start(): Promise<void> {
    const now = new Date();
    for (const [name, entry] of this.#builtIn) this.#builtIn.set(name, { ...entry, since: now });
    this.#started = true;
    this.#unwatch = await this.#store.watch(() => void this.#refresh());
    this.#resync = setInterval(() => void this.#refresh(), this.options.resyncIntervalMs);
    this.#resync.unref();
    await this.#refresh();
  }

  /** Stops the timers, aborts running jobs through their signal and waits for their outcome to be recorded. */
  async stop(): Promise<void> {
    this.#started = false;
    clearTimeout(this.#timer);
    clearInterval(this.#resync);
    await this.#unwatch?.().catch(() => undefined);
    this.#abort.abort();
    await this.#chain;
    await Promise.allSettled([...this.#running]);
  }

  /** Every job, built-in then operator, with its next due time and newest run. */
  async list(): Promise<JobView[]> {
    const [definitions, latest] = await Promise.all([this.#store.list(), this.#runs.latest()]);
    const now = new Date();
    return [
      ...[...this.#builtIn.values()].map(({ job, schedule }) => builtInView(job, schedule, now, latest.get(job.name))),
      ...definitions.filter((d) => !this.#builtIn.has(d.name)).map((d) => operatorView(d, safeSchedule(d), now, latest.get(d.name))),
    ];
  }

  /** Checks and stores an operator job (`POST /admin/jobs`); every replica picks it up. */
  async add(body: unknown, actor: string): Promise<JobView> {
    const job = parseNewJob(body);
    if (this.#builtIn.has(job.name)) throw Errors.jobExists(job.name);
    const definition = await this.#store.add(job, actor);
    void this.#refresh();
    return operatorView(definition, safeSchedule(definition), new Date(), undefined);
  }

  /** Removes an operator job; its history stays. */
  async remove(name: string): Promise<void> {
    if (this.#builtIn.has(name)) throw Errors.jobBuiltIn(name);
    if (!(await this.#store.remove(name))) throw Errors.jobNotFound(name);
    void this.#refresh();
  }

  /** A job's runs, newest first; UMBRAL_ERR_JOB_NOT_FOUND for a name with neither a job nor a history. */
  async history(name: string, limit: number): Promise<JobRun[]> {
    const runs = await this.#runs.history(name, limit);
    if (runs.length === 0 && !(await this.#find(name))) throw Errors.jobNotFound(name);
    return runs;
  }

  /**
   * Claims a run due now (to the second) and starts it on this replica; resolves to it, running.
   * UMBRAL_ERR_JOB_BUSY when a run of the job is going (or was asked for in the same second).
   */
  async runNow(name: string): Promise<JobRun> {
    if (this.#abort.signal.aborted) throw Errors.shuttingDown();
    const job = await this.#find(name);
    if (!job) throw Errors.jobNotFound(name);
    const due = new Date(Math.floor(Date.now() / 1000) * 1000);
    const claimed = await this.#claim(job, due, 'manual');
    if (claimed?.status !== 'running') throw Errors.jobBusy(name);
    const now = new Date();
    return {
      id: claimed.id, job: name, due, trigger: 'manual', status: 'running', replica: this.#replica,
      startedAt: now, finishedAt: null, durationMs: null, summary: null, error: null,
    };
  }

  /** A built-in job, or an operator job as the database holds it now. */
  async #find(name: string): Promise<Job | undefined> {
    const builtIn = this.#builtIn.get(name);
    if (builtIn) return builtIn.job;
    const definition = (await this.#store.list()).find((d) => d.name === name);
    return definition && operatorJob(definition, this.options.commandTimeoutMs);
  }

  /** Re-reads operator jobs and the latest due times, gives up on expired runs, runs what is due. */
  #refresh(): Promise<void> {
    return this.#serially(async () => {
      await this.#syncOperatorJobs();
      await this.#runs.prune(this.options.historyDays);
    });
  }

  /** Runs `step` then claims what is due and re-arms the timer, one at a time; a failure is logged and retried. */
  #serially(step: () => Promise<void>): Promise<void> {
    this.#chain = this.#chain.then(async () => {
      if (!this.#started) return;
      this.#retryAt = undefined;
      try {
        await step();
        await this.#claimDue();
      } catch (error) {
        this.#retryAt = new Date(Date.now() + RETRY_MS);
        this.options.logger.warn({ err: error, retryInMs: RETRY_MS }, 'jobs: could not read or claim runs; trying again');
      }
      this.#arm();
    });
    return this.#chain;
  }

  async #syncOperatorJobs(): Promise<void> {
    const [definitions, lastDues] = await Promise.all([this.#store.list(), this.#runs.lastDues()]);
    const next = new Map<string, Entry>();
    for (const definition of definitions) {
      const schedule = safeSchedule(definition);
      if (this.#builtIn.has(definition.name) || !schedule) {
        this.options.logger.warn({ job: definition.name }, 'operator job skipped: its name is a built-in job\'s or its schedule no longer parses');
        continue;
      }
      next.set(definition.name, {
        job: operatorJob(definition, this.options.commandTimeoutMs), schedule, since: definition.createdAt, enabled: definition.enabled,
      });
    }
    this.#operator = next;
    for (const [job, due] of lastDues) this.#noteDue(job, due);
  }

  async #claimDue(): Promise<void> {
    for (const run of await this.#runs.abandonExpired()) {
      const model = this.#builtIn.get(run.job)?.job.model ?? this.#operator.get(run.job)?.job.model;
      reportFailure({ events: this.#events, logger: this.options.logger }, { job: run.job, model, due: run.due, id: run.id }, run.error ?? 'abandoned');
    }
    const now = new Date();
    for (const { job, schedule, since, enabled } of this.#entries()) {
      const due = enabled ? dueRun(schedule, now, this.#lastDues.get(job.name), since) : undefined;
      if (due) await this.#claim(job, due, 'schedule');
    }
  }

  async #claim(job: Job, due: Date, trigger: ClaimedRun['trigger']) {
    const claimed = await this.#runs.claim(job.name, due, trigger, this.#replica);
    // Claimed here or by another replica: that due time is taken either way.
    this.#noteDue(job.name, due);
    if (claimed?.status === 'running') this.#execute({ id: claimed.id, job, due, trigger });
    else if (claimed?.status === 'skipped') this.options.logger.warn({ job: job.name, due }, 'job run skipped: its previous run is still going');
    return claimed;
  }

  #execute(run: ClaimedRun): void {
    const deps = {
      runs: this.#runs, events: this.#events, logger: this.options.logger,
      heartbeatMs: Math.max(1, Math.floor(this.options.leaseMs / 3)), signal: this.#abort.signal,
    };
    const running = executeRun(deps, run).finally(() => this.#running.delete(running));
    this.#running.add(running);
  }

  /** One timer, to the earliest next due time of any enabled job (or the retry after a failure). */
  #arm(): void {
    clearTimeout(this.#timer);
    if (!this.#started) return;
    const now = new Date();
    const times = this.#entries().filter((entry) => entry.enabled).map((entry) => entry.schedule.next(now));
    if (this.#retryAt) times.push(this.#retryAt);
    const delay = delayUntil(times, now);
    if (delay === undefined) return;
    this.#timer = setTimeout(() => void this.#serially(async () => undefined), delay);
    this.#timer.unref();
  }

  #entries(): Entry[] {
    return [...this.#builtIn.values(), ...this.#operator.values()];
  }

  #noteDue(job: string, due: Date): void {
    const known = this.#lastDues.get(job);
    if (!known || due > known) this.#lastDues.set(job, due);
  }
}

function safeSchedule(definition: JobDefinition): Schedule | undefined {
  try {
    return parseSchedule(definition.schedule, definition.name);
  } catch {
    return undefined;
  }
}
