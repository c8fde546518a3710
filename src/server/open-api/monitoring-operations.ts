import { anyObject, arrayOf, boolean, dateTime, integer, json, mapOf, nullable, number, object, ok, string, type OperationDoc, type Schema } from './operation-doc.js';

const M = '/admin/models/:model';

const label: Schema = { description: 'a class label or index, a number, an array of relevant ids, or an array of those, one per row' };
const item = object({ request_id: { ...string, description: 'the x-request-id of the answer' }, label });
const accepted = object({ request_id: string, status: { type: 'string', enum: ['accepted'] }, version: string });
const itemResult = object({
  index: integer, request_id: nullable(string), status: { type: 'string', enum: ['accepted', 'error'] },
  version: string, httpStatus: integer, code: string, error: string,
}, ['version', 'httpStatus', 'code', 'error']);
const batchResult = object({ accepted: integer, failed: integer, results: arrayOf(itemResult) });
const versionQuality = object({
  version: string, window: string, task: nullable({ type: 'string', enum: ['classification', 'regression', 'ranking'] }),
  predictions: integer, samples: integer, truncated: boolean, metrics: mapOf(number),
});

const interval = nullable({ type: 'array', items: number, minItems: 2, maxItems: 2, description: '95 % confidence interval [low, high]' });
const variantReport = object({
  variant: string, target: nullable(string), weight: nullable(integer), versions: mapOf(integer),
  requests: integer, errors: integer, client_errors: integer, error_rate: nullable(number), error_rate_ci95: interval,
  quality: nullable(object({
    task: { type: 'string', enum: ['classification', 'regression', 'ranking'] }, samples: integer, metric: string, value: number, ci95: interval, metrics: mapOf(number),
  })),
});

/** Feedback, live quality, the A/B report and the prediction export (routes/admin-feedback.ts, routes/admin-predictions.ts). */
export const MONITORING_OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  [`POST ${M}/feedback`]: {
    operationId: 'postFeedback', summary: 'Attach ground-truth labels to logged predictions', tag: 'admin-models',
    description: 'One `{"request_id", "label"}` or an array of up to 1,000. A batch is answered 200 with one result per item '
      + '(accepted, or its error: the status and code it would have had alone). Needs the `feedback` permission.',
    body: { content: { 'application/json': { schema: { oneOf: [item, arrayOf(item)] } } } },
    responses: { 200: { description: 'accepted (one item), or the result of each item (a batch)', content: json({ oneOf: [accepted, batchResult] }) } },
    errors: {
      400: 'the body is malformed, or (one item) the label is not of the type the version\'s task takes', 404: 'the model is not in the registry, or (one item) no logged prediction has the request id',
      413: 'more than 1,000 items', 503: 'the database is unavailable',
    },
  },
  [`GET ${M}/quality`]: {
    operationId: 'getQuality', summary: 'Live quality per version and window, computed now', tag: 'admin-models',
    responses: { 200: ok('the quality of each version with labelled predictions, per window', object({ model: string, at: dateTime, results: arrayOf(versionQuality) })) },
    errors: { 400: 'the window is not a duration such as 1h or 7d', 404: 'the model is not in the registry', 503: 'the database is unavailable' },
  },
  [`GET ${M}/ab-report`]: {
    operationId: 'getAbReport', summary: 'Per-variant requests, error rate and live quality of a split model, with 95 % intervals', tag: 'admin-models',
    description: 'Reads the prediction log (the model\'s policy needs `prediction_log`) and feedback over `window` (default 24h). '
      + 'Error rate: 5xx over logged requests, Wilson interval; quality: accuracy or hit rate with a Wilson interval, MAE with a normal one. docs/guides/traffic.md.',
    responses: { 200: ok('one entry per variant of the split, and per variant still in the log', object({
      model: string, window: string, from: dateTime, to: dateTime, logged: boolean, variants: arrayOf(variantReport),
    })) },
    errors: { 400: 'the window is not a duration such as 1h or 7d', 404: 'the model is not in the registry', 503: 'the database is unavailable' },
  },
  [`GET ${M}/predictions`]: {
    operationId: 'exportPredictions', summary: 'Export the prediction log (JSON lines or CSV, streamed)', tag: 'admin-models',
    headers: { Accept: { description: 'text/csv for CSV when `format` is absent; otherwise JSON lines', schema: string } },
    responses: {
      200: {
        description: 'the records, oldest first, each with its label',
        content: { 'application/x-ndjson': { schema: anyObject }, 'text/csv': { schema: string } },
      },
    },
    errors: { 400: 'from or to is not an ISO 8601 time, to is not after from, or the format is not jsonl or csv', 404: 'the model is not in the registry', 503: 'the database is unavailable' },
  },
};
