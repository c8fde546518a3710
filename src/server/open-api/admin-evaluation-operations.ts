import { arrayOf, boolean, dateTime, integer, json, mapOf, nullable, number, object, ok, string, type OperationDoc } from './operation-doc.js';

const M = '/admin/models/:model';
const NO_MODEL = 'the model is not in the registry';
const dataset = object({ name: string, sha256: string, rows: integer, bytes: integer, createdBy: string, createdAt: dateTime });
const sample = nullable(object({ size: integer, seed: integer }));
const summary = object({ id: string, dataset: string, datasetSha256: string, versions: arrayOf(integer), sample, createdBy: string, createdAt: dateTime });
const versionReport = object({
  version: integer, alias: string, rows: integer, failed: integer,
  failures: arrayOf(object({ line: integer, code: string, message: string })),
  metrics: mapOf(number),
  classes: mapOf(object({ precision: number, recall: number, f1: number, support: integer, rocAuc: number }, ['rocAuc'])),
  confusion: object({ labels: arrayOf(string), matrix: arrayOf(arrayOf(integer)) }),
  latencyMs: object({ p50: number, p99: number, mean: number }),
}, ['alias', 'classes', 'confusion', 'latencyMs']);
const report = object({
  id: string, model: string, dataset: object({ name: string, sha256: string, rows: integer }), sample,
  task: object({ type: { type: 'string', enum: ['classification', 'regression', 'ranking'] }, output: string, k: integer }, ['output', 'k']),
  versions: arrayOf(versionReport), createdBy: string, createdAt: dateTime,
});

/** Evaluation datasets and reports (routes/admin-evaluations.ts, docs/guides/evaluation.md). */
export const ADMIN_EVALUATION_OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  [`POST ${M}/datasets`]: {
    operationId: 'pushDataset', summary: 'Push an evaluation dataset (JSON lines, `?name=`)', tag: 'admin-models',
    description: 'One example per line: `{"inputs": {"<input>": <value>}, "expected": <label | number | [relevant ids]>}` (an input may also be a tensor '
      + '`{"datatype", "shape", "data"}`, or `inputs` the KServe v2 list of input tensors). Checked against the serving version\'s inputs and task; '
      + 'stored by content (sha256): the same content again is the same dataset (200).',
    body: { content: { 'application/x-ndjson': { schema: { type: 'string', example: '{"inputs":{"text":"win cash now"},"expected":"spam"}' } } } },
    responses: { 201: ok('the dataset stored', object({ model: string, ...datasetProps(), created: boolean })), 200: ok('the same content under this name already', object({ model: string, ...datasetProps(), created: boolean })) },
    errors: {
      400: 'a line is not JSON, its inputs do not match the model\'s (name, datatype, shape), or its expected value does not fit the task (UMBRAL_ERR_DATASET_INVALID, naming the line)',
      404: NO_MODEL, 409: 'the name holds other content (UMBRAL_ERR_DATASET_EXISTS)', 413: 'over evaluation.maxDatasetBytes or evaluation.maxDatasetRows',
    },
  },
  [`GET ${M}/datasets`]: {
    operationId: 'listDatasets', summary: 'A model\'s evaluation datasets', tag: 'admin-models',
    responses: { 200: ok('the datasets, by name', object({ datasets: arrayOf(dataset) })) }, errors: { 404: NO_MODEL },
  },
  [`GET ${M}/datasets/:name`]: {
    operationId: 'getDataset', summary: 'One evaluation dataset (without its rows)', tag: 'admin-models',
    responses: { 200: ok('the dataset', dataset) }, errors: { 404: 'the model or dataset does not exist' },
  },
  [`DELETE ${M}/datasets/:name`]: {
    operationId: 'deleteDataset', summary: 'Remove an evaluation dataset (its reports stay)', tag: 'admin-models',
    responses: { 204: { description: 'removed' } },
    errors: { 404: 'the model or dataset does not exist', 409: 'the policy\'s promotion gate names it (UMBRAL_ERR_DATASET_IN_USE)' },
  },
  [`POST ${M}/evaluations`]: {
    operationId: 'evaluate', summary: 'Evaluate versions on a dataset through the serving path; the report is stored', tag: 'admin-models',
    description: 'Every row (or a seeded sample: `sample`, `seed`) goes to each version through the data plane, dynamic batching included; '
      + 'metrics follow the task (classification, regression, ranking), with p50/p99 latency per version.',
    body: { content: json(object({ dataset: string, versions: arrayOf(string), sample: integer, seed: integer }, ['sample', 'seed'])) },
    responses: { 201: ok('the report', report) },
    errors: { 400: 'versions named twice or of different tasks, or a version that cannot take the dataset', 404: 'the model, a version, an alias or the dataset does not exist' },
  },
  [`GET ${M}/evaluations`]: {
    operationId: 'listEvaluations', summary: 'A model\'s evaluation reports, newest first (`?version=` keeps those that ran it)', tag: 'admin-models',
    responses: { 200: ok('the reports in brief', object({ evaluations: arrayOf(summary) })) }, errors: { 404: NO_MODEL },
  },
  [`GET ${M}/evaluations/:id`]: {
    operationId: 'getEvaluation', summary: 'One evaluation report', tag: 'admin-models',
    responses: { 200: ok('the report', report) }, errors: { 404: 'the model or report does not exist' },
  },
  [`GET ${M}/versions/:version/evaluations`]: {
    operationId: 'versionEvaluations', summary: 'The evaluation reports that ran a version, newest first', tag: 'admin-models',
    responses: { 200: ok('the reports in brief', object({ evaluations: arrayOf(summary) })) }, errors: { 404: 'the model or version does not exist' },
  },
};

function datasetProps() {
  return { name: string, sha256: string, rows: integer, bytes: integer, createdBy: string, createdAt: dateTime };
}
