import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { EventSink } from '../../mlops/events/umbral-event.js';
import type { Job } from './job.js';
import type { JobRuns, RunOutcome, RunTrigger } from './job-runs.js';

export interface ExecuteDeps {
  readonly runs: JobRuns;
  readonly events: EventSink;
  readonly logger: Logger;
  /** How often the run is confirmed to the other replicas (a third of the lease). */
  readonly heartbeatMs: number;
  /** Fires when the scheduler stops: the job is asked to stop, and its run is recorded as abandoned. */
  readonly signal: AbortSignal;
}

/** One claimed run: which job, for which due time, under which row. */
export interface ClaimedRun {
  readonly id: string;
  readonly job: Job;
  readonly due: Date;
  readonly trigger: RunTrigger;
}

const MAX_TEXT = 4000;
const MAX_EVENT_ERROR = 500;

/**
 * Runs a claimed run to its end: confirms it every `heartbeatMs` while it goes, records its outcome,
 * and reports a failure as a `job.failed` event and a log line. Never rejects.
 */
export async function executeRun(deps: ExecuteDeps, claimed: ClaimedRun): Promise<void> {
  const { runs, logger } = deps;
  const { job, due } = claimed;
  const heartbeat = setInterval(() => void runs.heartbeat(claimed.id).catch((error: unknown) =>
    logger.warn({ job: job.name, err: error }, 'could not confirm a running job to the other replicas')), deps.heartbeatMs);
  heartbeat.unref();
  const started = performance.now();
  let outcome: RunOutcome;
  try {
    const summary = await job.run({ due, signal: deps.signal });
    outcome = { status: 'succeeded', durationMs: performance.now() - started, ...(summary ? { summary: clip(summary) } : {}) };
  } catch (error) {
    const message = clip(error instanceof Error ? error.message : String(error));
    // A run cut short by shutdown did not fail on its own: it is abandoned, and no one is alerted.
    outcome = { status: deps.signal.aborted ? 'abandoned' : 'failed', durationMs: performance.now() - started, error: message };
  } finally {
    clearInterval(heartbeat);
  }
  try {
    await runs.finish(claimed.id, outcome);
  } catch (error) {
    logger.error({ job: job.name, due, err: error }, 'could not record how a job run ended; it will be marked abandoned after the lease');
  }
  if (outcome.status === 'failed') reportFailure(deps, { job: job.name, model: job.model, due, id: claimed.id }, outcome.error ?? '');
  else logger.info({ job: job.name, due, trigger: claimed.trigger, status: outcome.status, durationMs: Math.round(outcome.durationMs) }, 'job run ended');
}

/** The log line and the `job.failed` event of a failed or abandoned run. */
export function reportFailure(deps: Pick<ExecuteDeps, 'events' | 'logger'>, run: { job: string; model?: string | undefined; due: Date; id: string }, error: string): void {
  deps.logger.error({ job: run.job, due: run.due, run: run.id, error }, 'job run failed');
  const short = error.length > MAX_EVENT_ERROR ? `${error.slice(0, MAX_EVENT_ERROR)}…` : error;
  deps.events.emit({
    type: 'job.failed', ...(run.model === undefined ? {} : { model: run.model }),
    summary: `job ${run.job} failed (due ${run.due.toISOString()}): ${short.split('\n')[0] ?? ''}`,
    details: { job: run.job, due: run.due.toISOString(), run: run.id, error: short },
  });
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? `…${text.slice(-MAX_TEXT)}` : text;
}
