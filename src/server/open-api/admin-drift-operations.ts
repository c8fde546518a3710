import { arrayOf, boolean, dateTime, integer, mapOf, nullable, number, object, ok, string, type OperationDoc, type Schema } from './operation-doc.js';

const method: Schema = { type: 'string', enum: ['psi', 'ks'] };
const source: Schema = { type: 'string', enum: ['dataset', 'predictions'], description: 'a pushed dataset, or the version\'s first logged predictions' };
const reference = object({
  source, rows: integer, values: mapOf(integer), takenUntil: nullable(dateTime), createdBy: nullable(string), createdAt: dateTime,
});
const settings = object({
  referenceSize: integer, windowMinutes: integer, minSamples: integer, psiThreshold: number, ksThreshold: number, schedule: string,
});
const check = object({
  checkedAt: dateTime, windowStart: dateTime, windowEnd: dateTime, samples: integer,
  outcome: { type: 'string', enum: ['scored', 'too_few_samples', 'no_reference'] },
});
const score = object({
  feature: string, method, score: number, threshold: number, pValue: number, samples: integer,
  alerting: boolean, alertedAt: nullable(dateTime), clearedAt: nullable(dateTime), checkedAt: dateTime,
}, ['pValue']);
const report = object({
  model: string, settings: nullable(settings),
  versions: arrayOf(object({ version: string, reference: nullable(reference), check: nullable(check), scores: arrayOf(score) })),
});

/** Drift (routes/admin-drift.ts, docs/guides/drift.md). */
export const ADMIN_DRIFT_OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  'PUT /admin/models/:model/versions/:version/reference': {
    operationId: 'putDriftReference', summary: 'Push a version\'s drift reference dataset (JSON lines)', tag: 'admin-models',
    description: 'One `{"inputs": [...]}` per line (KServe v2 input tensors, optionally `"outputs": [...]`); replaces the version\'s reference. '
      + 'At most drift.referenceValues values per feature are kept (a seeded uniform sample).',
    body: { content: { 'application/x-ndjson': { schema: { type: 'string', example: '{"inputs":[{"name":"x","datatype":"FP32","shape":[1,2],"data":[0.1,3.5]}]}' } } } },
    responses: { 201: ok('the stored reference', { allOf: [object({ model: string, version: string }), reference] }) },
    errors: {
      400: 'a line is not JSON, not an infer request, or names inputs the version does not have (UMBRAL_ERR_REFERENCE_INVALID)',
      404: 'the model or version is not in the registry', 413: 'the body is over drift.maxReferenceBytes', 503: 'the database is unavailable',
    },
  },
  'GET /admin/models/:model/drift': {
    operationId: 'getDrift', summary: 'A model\'s drift: settings, references, latest checks and scores with their alert state', tag: 'admin-models',
    responses: { 200: ok('the drift report', report) }, errors: { 404: 'the model is not in the registry', 503: 'the database is unavailable' },
  },
};
