import { arrayOf, boolean, json, object, ok, string, type OperationDoc } from './operation-doc.js';

const MODEL = '/v2/models/:model';
const VERSION = '/v2/models/:model/versions/:version';
const MISSING = 'the model (or version) is not served';
const NOT_READY = 'the model is not ready, its queue is full, it is overloaded, no upstream answers, or the server is stopping (Retry-After)';

/** One entry for the route without `/versions/{version}` and one for the route with it. */
function perVersion(method: string, suffix: string, doc: (versioned: boolean) => OperationDoc): Record<string, OperationDoc> {
  return { [`${method} ${MODEL}${suffix}`]: doc(false), [`${method} ${VERSION}${suffix}`]: doc(true) };
}

const which = (versioned: boolean) => (versioned ? 'the given version of a model' : "a model's serving version");
const id = (name: string, versioned: boolean) => (versioned ? `${name}Version` : name);

const binaryRequest = {
  schema: { type: 'string', format: 'binary' },
} as const;

const infer = (versioned: boolean): OperationDoc => ({
  operationId: id('modelInfer', versioned),
  summary: `Run inference on ${which(versioned)}`,
  description: 'Open Inference Protocol `$inference_request` → `$inference_response`. Besides JSON, the body may use Triton\'s '
    + 'binary tensor extension: `application/octet-stream` holding the JSON header (its length in `Inference-Header-Content-Length`) '
    + 'followed by the raw tensors; and it may be compressed (`Content-Encoding: gzip` or `deflate`). With outputs asked as '
    + '`binary_data`, the answer is binary the same way.',
  tag: 'kserve-v2',
  headers: {
    'Inference-Header-Content-Length': { description: "Triton's binary extension: length in bytes of the JSON header that starts an `application/octet-stream` body", schema: { type: 'integer', minimum: 0 } },
    'Content-Encoding': { description: 'the body is compressed', schema: { type: 'string', enum: ['gzip', 'deflate', 'identity'] } },
  },
  body: { content: { ...json('InferenceRequest'), 'application/octet-stream': binaryRequest } },
  responses: {
    200: {
      description: 'the outputs; `X-Umbral-Cache` says whether the cache answered, `X-Umbral-Fallback` which model stood in',
      content: { ...json('InferenceResponse'), 'application/octet-stream': binaryRequest },
      headers: {
        'Inference-Header-Content-Length': { description: 'with binary outputs: length of the JSON header that starts the body', schema: { type: 'integer' } },
      },
    },
  },
  errors: {
    400: 'the request does not fit the protocol or the model (inputs, datatypes, shapes, batch size, parameters)',
    404: MISSING, 413: 'the body is over the server\'s or the model\'s limit', 415: 'the body is neither JSON nor Triton\'s binary form',
    429: 'the upstream is rate limiting', 503: NOT_READY, 504: 'the model did not answer within its deadline',
  },
});

const generate = (versioned: boolean, stream: boolean): OperationDoc => ({
  operationId: id(stream ? 'modelGenerateStream' : 'modelGenerate', versioned),
  summary: `Generate text with ${which(versioned)}${stream ? ', streamed' : ''}`,
  description: "Triton's generate extension: `{text_input, parameters}` in, "
    + (stream ? 'server-sent events out, each `data:` line a `{model_name, model_version, text_output}` object.' : '`{model_name, model_version, text_output}` out.'),
  tag: 'kserve-v2',
  body: { content: json('GenerateRequest') },
  responses: {
    200: stream
      ? { description: 'server-sent events, one `data: {GenerateResponse}` per piece of text', content: { 'text/event-stream': { schema: { ...string, description: 'lines `data: <GenerateResponse as JSON>`' } } } }
      : ok('the text', 'GenerateResponse'),
  },
  errors: { 400: 'the body is not a generate request', 404: MISSING, 413: 'the body is over the limit', 415: 'the body is not JSON', 503: NOT_READY, 504: 'no answer within the deadline' },
});

/** Open Inference Protocol REST routes (routes/kserve-v2.ts) and Triton's extensions. */
export const KSERVE_OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  'GET /v2': {
    operationId: 'serverMetadata', summary: 'Server metadata', tag: 'kserve-v2',
    responses: { 200: ok('name, version and the protocol extensions served', 'ServerMetadata') }, errors: {},
  },
  'GET /v2/health/live': {
    operationId: 'serverLive', summary: 'Server liveness (KServe v2)', tag: 'kserve-v2',
    responses: { 200: ok('the process answers', 'LiveResponse') }, errors: {},
  },
  'GET /v2/health/ready': {
    operationId: 'serverReady', summary: 'Server readiness (KServe v2)', tag: 'kserve-v2',
    responses: { 200: ok('every required model can serve', 'ReadyResponse'), 503: ok('not ready: `{"ready": false}`', 'ReadyResponse') },
    errors: {},
  },
  ...perVersion('GET', '', (versioned) => ({
    operationId: id('modelMetadata', versioned), summary: `Metadata of ${which(versioned)}`, tag: 'kserve-v2',
    responses: { 200: ok('platform, versions, inputs and outputs', 'ModelMetadata') }, errors: { 404: MISSING },
  })),
  ...perVersion('GET', '/ready', (versioned) => ({
    operationId: id('modelReady', versioned), summary: `Readiness of ${which(versioned)}`, tag: 'kserve-v2',
    responses: { 200: ok('the model can serve', 'ModelReady'), 503: ok('it cannot serve now; `error` says why', 'ModelReady') }, errors: { 404: MISSING },
  })),
  ...perVersion('POST', '/infer', infer),
  ...perVersion('GET', '/config', (versioned) => ({
    operationId: id('modelConfig', versioned), summary: `Triton configuration of ${which(versioned)}`, tag: 'kserve-v2',
    responses: { 200: ok("the model's configuration as Triton writes it", 'TritonModelConfig') }, errors: { 404: MISSING },
  })),
  'GET /v2/models/stats': {
    operationId: 'modelStatisticsAll', summary: 'Inference statistics of every model', tag: 'kserve-v2',
    responses: { 200: ok("Triton's statistics extension", 'TritonStatistics') }, errors: {},
  },
  ...perVersion('GET', '/stats', (versioned) => ({
    operationId: id('modelStatistics', versioned), summary: `Inference statistics of ${which(versioned)}`, tag: 'kserve-v2',
    responses: { 200: ok("Triton's statistics extension", 'TritonStatistics') }, errors: { 404: MISSING },
  })),
  'POST /v2/repository/index': {
    operationId: 'repositoryIndex', summary: 'Every model version this server holds, with its state', tag: 'kserve-v2',
    description: "Triton's model repository extension. No body (as tritonclient.http sends it), or `{\"ready\": true}` for the versions that are ready.",
    body: { content: json(object({ ready: boolean }, ['ready'])), required: false },
    responses: { 200: ok('one entry per model version', arrayOf('RepositoryEntry')) }, errors: {},
  },
  'POST /v2/repository/models/:model/load': {
    operationId: 'repositoryModelLoad', summary: 'Load a model on this server (refused: the registry decides)', tag: 'kserve-v2',
    responses: { 200: ok("Triton's answer to a load or unload done (umbral never gives it: what serves follows the registry)", object({})) },
    errors: { 409: 'always: upload a version and move its aliases through /admin/models, or reload it with POST /admin/models/{model}/reload' },
  },
  'POST /v2/repository/models/:model/unload': {
    operationId: 'repositoryModelUnload', summary: 'Unload a model from this server (refused: the registry decides)', tag: 'kserve-v2',
    responses: { 200: ok("Triton's answer to a load or unload done (umbral never gives it: what serves follows the registry)", object({})) },
    errors: { 409: 'always: move the aliases or delete the version through /admin/models' },
  },
  ...perVersion('POST', '/generate', (versioned) => generate(versioned, false)),
  ...perVersion('POST', '/generate_stream', (versioned) => generate(versioned, true)),
};
