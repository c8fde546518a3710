import { z } from 'zod';
import { BACKEND_KINDS, isRemoteKind, REMOTE_BACKEND_KINDS } from './backend-kind.js';
import { DATATYPES } from '../protocol/kserve/datatypes.js';
import { cacheSectionSchema } from './cache-section.js';
import { trafficSchema } from './traffic-section.js';
import {
  driftSchema, dynamicBatchingSchema, fallbackSchema, limitsSchema, predictionLogSchema, promotionSchema, rateLimitSchema, remoteSectionSchema,
} from './policy-sections.js';

export { dynamicBatchingSchema } from './policy-sections.js';

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
  kserve: remoteSectionSchema.optional(),
  /** Endpoint of a `backend: openai` model: base URLs, key variable, upstream model name (src/backends/openai/openai-descriptor.ts). */
  openai: remoteSectionSchema.optional(),
  /** Deadline, retries, retry budget, circuit breaker and health checks of a remote model (src/resilience/resilience-config.ts). */
  resilience: remoteSectionSchema.optional(),
  /** Models (`name` or `name:version`) that answer, in order, when this one cannot (policy-sections.ts). */
  fallback: fallbackSchema.default([]),
  /** This model's own request deadline and element limit, in place of the server's. */
  limits: limitsSchema.optional(),
  /** Reserved policy sections (policy-sections.ts): stored and versioned with the policy. */
  prediction_log: predictionLogSchema.optional(),
  /** Weighted, sticky splits between versions or aliases (traffic-section.ts, docs/guides/traffic.md). */
  traffic: trafficSchema.optional(),
  drift: driftSchema.optional(),
  /** The promotion gate (policy-sections.ts). */
  promotion: promotionSchema.optional(),
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
