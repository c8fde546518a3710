import { z } from 'zod';
import { DATATYPES } from '../../protocol/kserve/datatypes.js';
import { chatRequestSchema } from '../../protocol/openai/chat-request.js';
import { embeddingsRequestSchema } from '../../protocol/openai/embeddings-request.js';
import {
  anyObject, arrayOf, boolean, integer, mapOf, nullable, number, object, string, type Schema,
} from './operation-doc.js';

/** A zod schema as an OpenAPI 3.0 schema: what the codec checks, so the document cannot drift from it. */
export function fromZod(schema: z.ZodType): Schema {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', unrepresentable: 'any', io: 'input' }) as Schema;
}

const parameters = mapOf({ oneOf: [string, number, boolean] });
const shape = { ...arrayOf({ type: 'integer', minimum: -1 }), description: 'dimensions, row-major; -1 in metadata: any size' };
const datatype = { type: 'string', enum: [...DATATYPES] };
const tensorData = {
  type: 'array', description: 'the elements, row-major: flat, or nested to the shape (a request may nest, a response is flat)',
  // null: a float JSON cannot carry (NaN, ±Infinity) in a response.
  items: { oneOf: [{ ...number, nullable: true }, string, boolean, { type: 'array', items: {} }] },
};
const statDuration = { ...object({ count: integer, ns: integer }), description: 'how many, and their total time in nanoseconds' };

/**
 * The Open Inference Protocol (KServe v2) bodies, with Triton's extensions, as the specification
 * names them. https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md
 */
const KSERVE_SCHEMAS: Readonly<Record<string, Schema>> = {
  Parameters: { ...parameters, description: '`$parameters`: string, number or boolean values (e.g. `binary_data`, `classification`)' },
  ServerMetadata: object({ name: string, version: string, extensions: arrayOf(string) }),
  MetadataTensor: object({ name: string, datatype, shape }),
  ModelMetadata: object({ name: string, versions: arrayOf(string), platform: string, inputs: arrayOf('MetadataTensor'), outputs: arrayOf('MetadataTensor') }, ['versions']),
  LiveResponse: object({ live: boolean }),
  ReadyResponse: object({ ready: boolean }),
  ModelReady: object({ name: string, ready: boolean, error: string }, ['error']),
  RequestInput: object({ name: string, shape, datatype, parameters: { $ref: '#/components/schemas/Parameters' }, data: tensorData }, ['parameters']),
  RequestOutput: object({ name: string, parameters: { $ref: '#/components/schemas/Parameters' } }, ['parameters']),
  InferenceRequest: {
    ...object({ id: string, parameters: { $ref: '#/components/schemas/Parameters' }, inputs: arrayOf('RequestInput'), outputs: arrayOf('RequestOutput') }, ['id', 'parameters', 'outputs']),
    description: '`$inference_request`; `outputs` left out: every output of the model',
  },
  ResponseOutput: object({ name: string, shape, datatype, parameters: { $ref: '#/components/schemas/Parameters' }, data: tensorData }, ['parameters', 'data']),
  InferenceResponse: object({
    model_name: string, model_version: string, id: string, parameters: { $ref: '#/components/schemas/Parameters' }, outputs: arrayOf('ResponseOutput'),
  }, ['model_version', 'id', 'parameters']),
  TritonModelConfig: {
    ...object({ name: string, platform: string, backend: string, max_batch_size: integer, input: arrayOf(anyObject), output: arrayOf(anyObject) }, ['platform', 'backend', 'max_batch_size', 'input', 'output']),
    additionalProperties: true, description: "Triton's model configuration (model_config.proto as JSON)",
  },
  TritonModelStatistics: object({
    name: string, version: string, last_inference: { ...integer, description: 'milliseconds since the epoch' }, inference_count: integer, execution_count: integer,
    inference_stats: object(Object.fromEntries(['success', 'fail', 'queue', 'compute_input', 'compute_infer', 'compute_output', 'cache_hit', 'cache_miss'].map((k) => [k, statDuration]))),
    batch_stats: arrayOf(object({ batch_size: integer, compute_input: statDuration, compute_infer: statDuration, compute_output: statDuration })),
  }),
  TritonStatistics: object({ model_stats: arrayOf('TritonModelStatistics') }),
  RepositoryEntry: object({ name: string, version: string, state: { type: 'string', enum: ['READY', 'LOADING', 'UNAVAILABLE'] }, reason: string }),
  GenerateRequest: { ...object({ text_input: string, parameters: anyObject }, ['parameters']), additionalProperties: true },
  GenerateResponse: { ...object({ model_name: string, model_version: string, text_output: string }), additionalProperties: true },
};

const usage = object({ prompt_tokens: integer, completion_tokens: integer, total_tokens: integer }, ['completion_tokens']);

/** OpenAI's bodies as umbral relays them (https://platform.openai.com/docs/api-reference); unknown fields pass through. */
const OPENAI_SCHEMAS: Readonly<Record<string, Schema>> = {
  ChatCompletionRequest: fromZod(chatRequestSchema),
  ChatCompletion: {
    ...object({
      id: string, object: { type: 'string', enum: ['chat.completion'] }, created: integer, model: string,
      choices: arrayOf({ ...object({ index: integer, message: anyObject, finish_reason: nullable(string) }), additionalProperties: true }),
      usage,
    }, ['usage']),
    additionalProperties: true,
  },
  ChatCompletionChunk: {
    ...object({
      id: string, object: { type: 'string', enum: ['chat.completion.chunk'] }, created: integer, model: string,
      choices: arrayOf({ ...object({ index: integer, delta: anyObject, finish_reason: nullable(string) }, ['finish_reason']), additionalProperties: true }),
      usage: nullable(usage),
    }, ['usage']),
    additionalProperties: true,
  },
  EmbeddingsRequest: fromZod(embeddingsRequestSchema),
  Embeddings: {
    ...object({
      object: { type: 'string', enum: ['list'] }, model: string,
      data: arrayOf(object({ object: { type: 'string', enum: ['embedding'] }, index: integer, embedding: { oneOf: [arrayOf(number), string] } })),
      usage: object({ prompt_tokens: integer, total_tokens: integer }),
    }, ['usage']),
    additionalProperties: true,
  },
  OpenAiModel: object({ id: string, object: { type: 'string', enum: ['model'] }, created: integer, owned_by: string }),
  OpenAiModelList: object({ object: { type: 'string', enum: ['list'] }, data: arrayOf('OpenAiModel') }),
  CompletionRequest: { ...object({ model: string, prompt: {}, stream: nullable(boolean) }, ['prompt', 'stream']), additionalProperties: true },
  Completion: { ...object({ id: string, object: string, created: integer, model: string, choices: arrayOf(anyObject) }), additionalProperties: true },
  ResponsesRequest: { ...object({ model: string, input: {}, stream: nullable(boolean) }, ['input', 'stream']), additionalProperties: true },
  ResponseEvent: { ...object({ type: { ...string, description: 'e.g. `response.output_text.delta`, `response.completed`' } }), additionalProperties: true },
  Response: { ...object({ id: string, object: { type: 'string', enum: ['response'] }, model: string, output: arrayOf(anyObject) }, ['output']), additionalProperties: true },
};

/** The two error bodies umbral renders (plugins/render-error.ts, routes/openai-render-error.ts). */
const ERROR_SCHEMAS: Readonly<Record<string, Schema>> = {
  Error: {
    ...object({ error: { ...string, description: 'what went wrong and what to fix; a 5xx says only the request id' }, code: { ...string, pattern: '^UMBRAL_ERR_[A-Z_]+$' } }),
    description: "The Open Inference Protocol's error body, `{\"error\": message}`, with umbral's code (docs/reference/errors.md) beside it",
  },
  OpenAiError: {
    ...object({
      error: object({
        message: string,
        type: { type: 'string', enum: ['invalid_request_error', 'rate_limit_error', 'server_error'] },
        param: { ...nullable(string), description: 'the field a 400 is about, when known' },
        code: { ...string, description: "umbral's code (`UMBRAL_ERR_…`)" },
      }),
    }),
    description: "OpenAI's error body, so that OpenAI SDKs raise their typed errors",
  },
};

export const WIRE_SCHEMAS: Readonly<Record<string, Schema>> = { ...KSERVE_SCHEMAS, ...OPENAI_SCHEMAS, ...ERROR_SCHEMAS };
