import { json, ok, ref, string, type OperationDoc, type ResponseDoc } from './operation-doc.js';

const NOT_SERVED = 'the model is not served by an OpenAI-compatible backend here';
const BUSY = 'the model is not ready, overloaded, its upstreams fail or its breaker is open, or the server is stopping (Retry-After)';
const LLM_ERRORS = {
  400: 'the body is not a valid request (`param` names the field), or the upstream refused it',
  404: NOT_SERVED, 413: 'the body is over the server\'s limit', 415: 'the body is not JSON',
  429: 'the upstream is rate limiting', 502: 'the upstream failed', 503: BUSY, 504: 'no answer within the deadline',
} as const;

/** A JSON answer, or server-sent events when the request asked `stream: true`. */
function jsonOrEvents(description: string, schema: string, chunk: string): ResponseDoc {
  const events = {
    ...string, 'x-umbral-event-data': ref(chunk),
    description: `\`data: <${chunk} as JSON>\` events, then \`data: [DONE]\`; a failure after the first byte ends the stream with \`data: <OpenAiError as JSON>\` instead`,
  };
  return { description, content: { ...json(schema), 'text/event-stream': { schema: events } } };
}

/** The OpenAI-compatible routes (routes/openai.ts); errors in OpenAI's shape. */
export const OPENAI_OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  'GET /v1/models': {
    operationId: 'listModels', summary: 'List the LLM models this credential may use', tag: 'openai', errorShape: 'openai',
    responses: { 200: ok('the models', 'OpenAiModelList') }, errors: {},
  },
  'GET /v1/models/:model': {
    operationId: 'retrieveModel', summary: 'One LLM model', tag: 'openai', errorShape: 'openai',
    responses: { 200: ok('the model', 'OpenAiModel') }, errors: { 404: NOT_SERVED },
  },
  'POST /v1/chat/completions': {
    operationId: 'createChatCompletion', summary: 'Chat completion (JSON, or server-sent events with `stream: true`)', tag: 'openai', errorShape: 'openai',
    description: 'Fields umbral does not check pass through to the upstream unchanged.',
    body: { content: json('ChatCompletionRequest') },
    responses: { 200: jsonOrEvents('the completion, or its chunks as a stream', 'ChatCompletion', 'ChatCompletionChunk') },
    errors: LLM_ERRORS,
  },
  'POST /v1/embeddings': {
    operationId: 'createEmbedding', summary: 'Embeddings of texts or tokens', tag: 'openai', errorShape: 'openai',
    body: { content: json('EmbeddingsRequest') },
    responses: { 200: ok('one embedding per input', 'Embeddings') },
    errors: LLM_ERRORS,
  },
  'POST /v1/completions': {
    operationId: 'createCompletion', summary: 'Text completion (legacy), passed through to the upstream', tag: 'openai', errorShape: 'openai',
    body: { content: json('CompletionRequest') },
    responses: { 200: jsonOrEvents('the completion, or its chunks as a stream', 'Completion', 'Completion') },
    errors: LLM_ERRORS,
  },
  'POST /v1/responses': {
    operationId: 'createResponse', summary: 'Responses API, passed through to the upstream', tag: 'openai', errorShape: 'openai',
    body: { content: json('ResponsesRequest') },
    responses: { 200: jsonOrEvents('the response, or its events as a stream', 'Response', 'ResponseEvent') },
    errors: LLM_ERRORS,
  },
};
