import { z } from 'zod';
import { DATATYPES } from '../protocol/kserve/datatypes.js';
import { BACKEND_KINDS } from './backend-kind.js';
import { dynamicBatchingSchema } from './model-config.js';

/** An input or output as declared; datatype and shape are filled in from the artifact at registration. */
const tensorSpec = z.object({
  name: z.string().min(1),
  datatype: z.enum(DATATYPES).optional(),
  shape: z.array(z.number().int().min(-1)).optional(),
}).strict();

/**
 * What a version says about itself, immutable once registered. Declared `inputs`/`outputs` must agree
 * with the artifact (checked by loading it at registration, which also fills in what was left out,
 * so a stored manifest always lists every input and output in full); `serving` carries the model.yaml
 * serving settings of the version.
 */
export const manifestSchema = z.object({
  backend: z.enum(BACKEND_KINDS).default('onnx'),
  description: z.string().max(2000).optional(),
  inputs: z.array(tensorSpec).optional(),
  outputs: z.array(tensorSpec).optional(),
  /** Class labels per output name. */
  labels: z.record(z.string(), z.array(z.string())).default({}),
  training: z.object({
    parameters: z.record(z.string(), z.unknown()).default({}),
    seed: z.number().int().optional(),
    dataset: z.string().optional(),
  }).strict().default({ parameters: {} }),
  /**
   * What the model does, for live quality (feedback), drift and evaluation: `classification` (the
   * predicted class is the arg-max of `output`, named by `labels`), `regression` (the first value of
   * `output`) or `ranking` (item ids or indices in `output`, best first, judged at `k`). `output`
   * defaults to the first output.
   */
  task: z.object({
    type: z.enum(['classification', 'regression', 'ranking']),
    output: z.string().min(1).optional(),
    k: z.number().int().positive().max(1000).optional(),
  }).strict().optional(),
  /** Evaluation metrics, e.g. { accuracy: 0.98 }. */
  metrics: z.record(z.string(), z.number()).default({}),
  serving: z.object({
    max_batch_size: z.number().int().nonnegative().default(0),
    dynamic_batching: dynamicBatchingSchema.optional(),
  }).strict().default({ max_batch_size: 0 }),
}).strict();

export type Manifest = z.output<typeof manifestSchema>;
