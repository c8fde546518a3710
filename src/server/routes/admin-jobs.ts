import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { JobScheduler } from '../../control/jobs/job-scheduler.js';
import type { JobRun } from '../../control/jobs/job-runs.js';
import type { JobView } from '../../control/jobs/job-view.js';

export interface AdminJobsDeps {
  readonly jobs: JobScheduler;
}

type N = { Params: { name: string } };

const READ = { access: 'admin:read' } as const;
const WRITE = { access: 'admin:write' } as const;
const params = { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 128 } } } as const;
const runsQuery = { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } } } as const;
const DEFAULT_LIMIT = 50;
const actor = (request: FastifyRequest) => request.principal?.actor ?? 'anonymous';

/** Scheduled jobs (docs/guides/jobs.md): list, add and remove operator jobs, their runs, run now. */
export async function adminJobsRoutes(app: FastifyInstance, deps: AdminJobsDeps): Promise<void> {
  const { jobs } = deps;

  app.get('/admin/jobs', { config: READ }, async () => ({ jobs: (await jobs.list()).map(jobJson) }));

  app.post('/admin/jobs', { config: WRITE }, async (request, reply) =>
    reply.code(201).send(jobJson(await jobs.add(request.body, actor(request)))));

  app.delete<N>('/admin/jobs/:name', { config: WRITE, schema: { params } }, async (request, reply) => {
    await jobs.remove(request.params.name);
    return reply.code(204).send();
  });

  app.get<N & { Querystring: { limit?: number } }>('/admin/jobs/:name/runs', {
    config: READ, schema: { params, querystring: runsQuery },
  }, async (request) => ({
    job: request.params.name,
    runs: (await jobs.history(request.params.name, request.query.limit ?? DEFAULT_LIMIT)).map(runJson),
  }));

  app.post<N>('/admin/jobs/:name/run', { config: WRITE, schema: { params } }, async (request, reply) =>
    reply.code(202).send(runJson(await jobs.runNow(request.params.name))));
}

export function jobJson(view: JobView) {
  return {
    ...view, createdAt: view.createdAt?.toISOString() ?? null, nextRun: view.nextRun?.toISOString() ?? null,
    lastRun: view.lastRun && runJson(view.lastRun),
  };
}

export function runJson(run: JobRun) {
  return {
    ...run, due: run.due.toISOString(), startedAt: run.startedAt.toISOString(), finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}
