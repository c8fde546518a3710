import {
  arrayOf, boolean, dateTime, json, mapOf, nullable, number, object, ok, string, type OperationDoc, type Schema,
} from './operation-doc.js';

const NONE = { description: 'done; no body' };
const NO_JOB = 'there is no job of that name';
const action: Schema = {
  description: 'one of: `{"webhook": {"url", "headers"?}}` (POSTs `{"job", "due", "model"}` as JSON) or `{"command": ["program", "arg", …]}` (run without a shell)',
  oneOf: [
    object({ webhook: object({ url: string, headers: mapOf(string) }, ['headers']) }),
    object({ command: { ...arrayOf(string), minItems: 1 } }),
  ],
};
const shownAction: Schema = {
  type: 'object',
  description: 'reads show a webhook by its origin and header names only (either may carry a token)',
  oneOf: [object({ webhook: object({ url: string, headers: arrayOf(string) }) }), object({ command: arrayOf(string) })],
};
const status = { type: 'string', enum: ['running', 'succeeded', 'failed', 'abandoned', 'skipped'] };

/** The bodies of the jobs' admin API (routes/admin-jobs.ts). */
export const JOBS_SCHEMAS: Readonly<Record<string, Schema>> = {
  NewJob: object({
    name: string, schedule: { type: 'string', description: 'cron, UTC: five fields, or six with seconds first' },
    description: string, model: string, action, enabled: boolean,
  }, ['description', 'model', 'enabled']),
  JobRun: object({
    id: string, job: string, due: dateTime, trigger: { type: 'string', enum: ['schedule', 'manual'] }, status,
    replica: string, startedAt: dateTime, finishedAt: nullable(dateTime), durationMs: nullable(number),
    summary: nullable(string), error: nullable(string),
  }),
  Job: object({
    name: string, kind: { type: 'string', enum: ['built-in', 'operator'] }, schedule: string, description: string,
    model: nullable(string), enabled: boolean, action: nullable(shownAction), createdBy: nullable(string), createdAt: nullable(dateTime),
    nextRun: nullable(dateTime), lastRun: nullable({ $ref: '#/components/schemas/JobRun' }),
  }),
  JobList: object({ jobs: arrayOf('Job') }),
  JobRunList: object({ job: string, runs: arrayOf('JobRun') }),
};

/** Scheduled jobs (docs/guides/jobs.md). */
export const ADMIN_JOBS_OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  'GET /admin/jobs': {
    operationId: 'listJobs', summary: 'Built-in and operator jobs, with their next due time and newest run', tag: 'admin-jobs',
    responses: { 200: ok('the jobs', 'JobList') }, errors: { 503: 'the database is unavailable' },
  },
  'POST /admin/jobs': {
    operationId: 'addJob', summary: 'Add an operator job (a retrain trigger: a webhook or a command on a cron schedule)', tag: 'admin-jobs',
    body: { content: json('NewJob') },
    responses: { 201: ok('the job', 'Job') },
    errors: { 400: 'an invalid name, schedule (UMBRAL_ERR_JOB_SCHEDULE_INVALID) or action (UMBRAL_ERR_JOB_ACTION_INVALID)', 409: 'a job of that name exists' },
  },
  'DELETE /admin/jobs/:name': {
    operationId: 'removeJob', summary: 'Remove an operator job (its history stays)', tag: 'admin-jobs',
    responses: { 204: NONE }, errors: { 404: NO_JOB, 409: 'the job is built in' },
  },
  'GET /admin/jobs/:name/runs': {
    operationId: 'listJobRuns', summary: 'A job\'s runs, newest first', tag: 'admin-jobs',
    responses: { 200: ok('the runs', 'JobRunList') }, errors: { 404: NO_JOB },
  },
  'POST /admin/jobs/:name/run': {
    operationId: 'runJob', summary: 'Run a job now (once across replicas, on the replica asked)', tag: 'admin-jobs',
    responses: { 202: ok('the run, started', 'JobRun') }, errors: { 404: NO_JOB, 409: 'a run of the job is still going' },
  },
};
