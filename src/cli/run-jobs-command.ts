import { loadClientConfig } from '../config/client-config.js';
import { AdminClient } from './admin-client.js';
import { formatTable } from './format-table.js';
import type { JobsCommand } from './parse-jobs-args.js';

/** A run as the admin API returns it (docs/guides/jobs.md). */
interface RunJson {
  readonly due?: string; readonly trigger?: string; readonly status?: string; readonly replica?: string;
  readonly durationMs?: number | null; readonly summary?: string | null; readonly error?: string | null;
}

interface JobJson {
  readonly name?: string; readonly kind?: string; readonly schedule?: string; readonly enabled?: boolean;
  readonly nextRun?: string | null; readonly lastRun?: RunJson | null;
}

const jobPath = (name: string, ...rest: string[]) => ['/admin/jobs', encodeURIComponent(name), ...rest].join('/');

/** Runs one `umbral jobs …` command against the server's admin API and prints the outcome. */
export async function runJobsCommand(command: JobsCommand, stdout: (text: string) => void): Promise<number> {
  const client = new AdminClient(loadClientConfig(command.client));
  const { action, json } = command;
  const print = (document: unknown, render: () => string) => stdout(json ? JSON.stringify(document, null, 2) : render());
  switch (action.name) {
    case 'list': {
      const document = await client.json('GET', '/admin/jobs') as { jobs?: JobJson[] } | undefined;
      print(document, () => renderJobs(document?.jobs ?? []));
      break;
    }
    case 'add': {
      const job = await client.json('POST', '/admin/jobs', action.job) as JobJson | undefined;
      print(job, () => `added job ${job?.name ?? action.job.name}; next run ${job?.nextRun ?? '—'}`);
      break;
    }
    case 'remove':
      await client.json('DELETE', jobPath(action.job));
      if (!json) stdout(`removed job ${action.job}`);
      break;
    case 'runs': {
      const query = action.limit === undefined ? '' : `?limit=${action.limit}`;
      const document = await client.json('GET', `${jobPath(action.job, 'runs')}${query}`) as { runs?: RunJson[] } | undefined;
      print(document, () => renderRuns(document?.runs ?? []));
      break;
    }
    case 'run': {
      const run = await client.json('POST', jobPath(action.job, 'run')) as RunJson | undefined;
      print(run, () => `started job ${action.job} (due ${run?.due ?? '?'}) on ${run?.replica ?? '?'}; umbral jobs runs ${action.job} shows how it ends`);
      break;
    }
  }
  return 0;
}

function renderJobs(jobs: readonly JobJson[]): string {
  if (jobs.length === 0) return 'no jobs';
  return formatTable(jobs.map((job) => [
    job.name ?? '', job.kind ?? '', job.schedule ?? '', job.enabled === false ? 'disabled' : (job.nextRun ?? '—'),
    job.lastRun ? `${job.lastRun.status ?? ''} ${job.lastRun.due ?? ''}` : '—',
  ]), ['NAME', 'KIND', 'SCHEDULE', 'NEXT RUN', 'LAST RUN']);
}

function renderRuns(runs: readonly RunJson[]): string {
  if (runs.length === 0) return 'no runs';
  return formatTable(runs.map((run) => [
    run.due ?? '', run.trigger ?? '', run.status ?? '', run.durationMs == null ? '—' : `${Math.round(run.durationMs)} ms`,
    run.replica ?? '', firstLine(run.error ?? run.summary ?? ''),
  ]), ['DUE', 'TRIGGER', 'STATUS', 'TOOK', 'REPLICA', 'OUTCOME']);
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
