import { z } from 'zod';
import { BACKEND_KINDS, isRemoteKind, REMOTE_BACKEND_KINDS } from './backend-kind.js';
import { cacheSectionSchema } from './cache-section.js';
import { DATATYPES } from '../protocol/kserve/datatypes.js';

/**
 * `<models>/<name>/model.yaml`: optional overrides and serving settings of one model, in the style of
 * Triton's model configuration (snake_case keys). Every key is optional; a missing file means defaults.
 */
const tensorOverride = z.object({
  name: z.string().min(1),
  datatype: z.enum(DATATYPES).optional(),
  shape: z.array(z.number().int().min(-1)).optional(),
  /** Class names of a classifier output, by index along its last dimension. */
  labels: z.array(z.string()).optional(),
}).strict();

const versionPolicy = z.union([
  z.object({ latest: z.object({ num_versions: z.number().int().positive() }).strict() }).strict(),
  z.object({ all: z.object({}).strict() }).strict(),
  z.object({ specific: z.object({ versions: z.array(z.number().int().nonnegative()).min(1) }).strict() }).strict(),
]);

/** Triton-style dynamic batching settings (model.yaml `dynamic_batching`, manifest `serving.dynamic_batching`). */
export const dynamicBatchingSchema = z.object({
  max_queue_delay_microseconds: z.number().int().nonnegative().default(0),
  preferred_batch_size: z.array(z.number().int().positive()).default([]),
  /** Requests waiting at most; past it callers get 503 with Retry-After. */
  max_queue_size: z.number().int().positive().optional(),
  /**
   * Admission by queueing time: when a request would wait longer than this behind the requests the
   * server holds for the model (src/inference/admission/), it is refused at once with 503 and Retry-After.
   */
  max_queue_wait_ms: z.number().int().positive().optional(),
}).strict();

/** Per-caller limits on this model (each key or user gets its own counts); absent fields = no limit. */
const rateLimitSchema = z.object({
  requests_per_second: z.number().int().positive().optional(),
  requests_per_minute: z.number().int().positive().optional(),
  concurrent: z.number().int().positive().optional(),
}).strict();

/**
 * A remote backend's own section (`kserve:` or `openai:`), checked by that backend's descriptor
 * schema when the model is imported; here only its presence and shape as a mapping.
 */
const remoteSection = z.record(z.string(), z.unknown());

export const modelConfigSchema = z.object({
  backend: z.enum(BACKEND_KINDS).default('onnx'),
  description: z.string().optional(),
  /** Readiness of the server waits for this model (default true). */
  required: z.boolean().default(true),
  /**
   * Largest batch (first dimension) one request or merged run may have; 0 means the model has no
   * batch dimension and requests are never merged.
   */
  max_batch_size: z.number().int().nonnegative().default(0),
  dynamic_batching: dynamicBatchingSchema.optional(),
  rate_limit: rateLimitSchema.optional(),
  /** Response cache of this model: TTL, in-memory bounds, scope, LLM determinism (src/cache/cache-policy.ts). */
  cache: cacheSectionSchema.optional(),
  /** Endpoint of a `backend: kserve` model: servers, protocol, upstream model name (src/backends/kserve/kserve-descriptor.ts). */
  kserve: remoteSection.optional(),
  /** Endpoint of a `backend: openai` model: base URLs, key variable, upstream model name (src/backends/openai/openai-descriptor.ts). */
  openai: remoteSection.optional(),
  /** Deadline, retries, retry budget, circuit breaker and health checks of a remote model (src/resilience/resilience-config.ts). */
  resilience: remoteSection.optional(),
  /**
   * Models (`name` or `name:version`) that answer, in order, when this one cannot: its servers are
   * down or their breakers open, its queue is full, or its deadline passed.
   */
  fallback: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}(:[A-Za-z0-9_.-]+)?$/, 'use a model name, or name:version')).default([]),
  input: z.array(tensorOverride).default([]),
  output: z.array(tensorOverride).default([]),
  version_policy: versionPolicy.default({ latest: { num_versions: 1 } }),
  /** Free-form facts written by whoever built the model (held-out metrics, training parameters). */
  metadata: z.record(z.string(), z.unknown()).default({}),
}).strict();

/**
 * A model.yaml as written (on disk, or pushed by the CLI): the remote sections must match the
 * backend. Versions' own configs (`manifestToModelConfig`) carry no remote section and skip this.
 */
export const writtenModelConfigSchema = modelConfigSchema.superRefine((config, context) => {
  // `config[kind]`: a new remote kind needs its section in the schema above, which the compiler asks for.
  for (const kind of REMOTE_BACKEND_KINDS) {
    if (config.backend === kind && !config[kind]) context.addIssue({ code: 'custom', path: [kind], message: `backend: ${kind} needs a '${kind}:' section (its servers)` });
    if (config.backend !== kind && config[kind]) context.addIssue({ code: 'custom', path: [kind], message: `only for backend: ${kind} (this model's backend is ${config.backend})` });
  }
  if (!isRemoteKind(config.backend) && config.resilience) {
    context.addIssue({ code: 'custom', path: ['resilience'], message: `only for remote backends (${REMOTE_BACKEND_KINDS.join(', ')})` });
  }
});

export type ModelConfig = z.output<typeof modelConfigSchema>;
export type VersionPolicy = z.output<typeof versionPolicy>;
