import type { Datatype } from './datatypes.js';

/*
 * Triton's model configuration (triton-inference-server/common protobuf/model_config.proto) as
 * `GET /v2/models/{m}/config` and gRPC `ModelConfig` answer it. The JSON follows Triton's own
 * printing: field names as in the proto (snake_case), every scalar printed even at its default,
 * enums as their names, and the int64 fields Triton turns back into numbers (`dims`,
 * `version_policy.specific.versions`, `max_queue_delay_microseconds`,
 * `default_timeout_microseconds`) as numbers. The same object is the gRPC message: umbral's proto
 * declares these fields with Triton's numbers. Only fields umbral can fill honestly appear.
 */

/** Triton's `DataType` enum name of each protocol datatype (BYTES is Triton's TYPE_STRING). */
export const TRITON_DATA_TYPES: Readonly<Record<Datatype, string>> = {
  BOOL: 'TYPE_BOOL', UINT8: 'TYPE_UINT8', UINT16: 'TYPE_UINT16', UINT32: 'TYPE_UINT32', UINT64: 'TYPE_UINT64',
  INT8: 'TYPE_INT8', INT16: 'TYPE_INT16', INT32: 'TYPE_INT32', INT64: 'TYPE_INT64',
  FP16: 'TYPE_FP16', FP32: 'TYPE_FP32', FP64: 'TYPE_FP64', BF16: 'TYPE_BF16', BYTES: 'TYPE_STRING',
};

/** Triton's `backend` for each umbral backend: onnxruntime as Triton names it; the remote ones by umbral's kind. */
const TRITON_BACKENDS: Readonly<Record<string, string>> = { onnx: 'onnxruntime' };

interface ConfigTensor {
  readonly name: string;
  readonly datatype: Datatype;
  readonly shape: readonly number[];
}

/** What `encodeModelConfig` needs of a model version (inference/model-configuration.ts). */
export interface ModelConfigSource {
  readonly name: string;
  readonly versions: readonly string[];
  readonly platform: string;
  readonly backend: string;
  readonly maxBatchSize: number;
  readonly inputs: readonly ConfigTensor[];
  readonly outputs: readonly ConfigTensor[];
  readonly batching?: { readonly preferredBatchSizes: readonly number[]; readonly maxQueueDelayMicros: number; readonly maxQueueSize: number };
  readonly instances?: number;
  readonly cached: boolean;
}

export interface TritonModelInput {
  name: string; data_type: string; format: 'FORMAT_NONE'; dims: number[]; is_shape_tensor: false; allow_ragged_batch: false; optional: false;
}

export interface TritonModelOutput {
  name: string; data_type: string; dims: number[]; label_filename: string; is_shape_tensor: false;
}

export interface TritonDynamicBatching {
  preferred_batch_size: number[];
  max_queue_delay_microseconds: number;
  preserve_ordering: boolean;
  default_queue_policy: { timeout_action: 'REJECT'; default_timeout_microseconds: number; allow_timeout_override: boolean; max_queue_size: number };
}

/** `ModelConfig`, the subset umbral fills. */
export interface TritonModelConfig {
  name: string;
  platform: string;
  backend: string;
  version_policy: { specific: { versions: number[] } } | { latest: { num_versions: number } };
  max_batch_size: number;
  input: TritonModelInput[];
  output: TritonModelOutput[];
  dynamic_batching?: TritonDynamicBatching;
  instance_group: Array<{ name: string; kind: 'KIND_CPU'; count: number }>;
  model_transaction_policy: { decoupled: boolean };
  response_cache: { enable: boolean };
}

/** A model version's configuration in Triton's shape (JSON body, and the gRPC `ModelConfig` message). */
export function encodeModelConfig(source: ModelConfigSource): TritonModelConfig {
  // Triton's dims leave out the batch dimension when the model batches.
  const dims = (shape: readonly number[]) => [...(source.maxBatchSize > 0 ? shape.slice(1) : shape)];
  const numbered = source.versions.map(Number).filter((v) => Number.isSafeInteger(v) && v >= 0);
  return {
    name: source.name,
    platform: source.platform,
    backend: TRITON_BACKENDS[source.backend] ?? source.backend,
    // The live versions are what a request can name; a registry without numbered versions says "the latest".
    version_policy: numbered.length > 0 ? { specific: { versions: numbered } } : { latest: { num_versions: 1 } },
    max_batch_size: source.maxBatchSize,
    input: source.inputs.map((tensor) => ({
      name: tensor.name, data_type: TRITON_DATA_TYPES[tensor.datatype], format: 'FORMAT_NONE' as const, dims: dims(tensor.shape),
      is_shape_tensor: false as const, allow_ragged_batch: false as const, optional: false as const,
    })),
    output: source.outputs.map((tensor) => ({
      name: tensor.name, data_type: TRITON_DATA_TYPES[tensor.datatype], dims: dims(tensor.shape), label_filename: '', is_shape_tensor: false as const,
    })),
    ...(source.batching ? { dynamic_batching: encodeDynamicBatching(source.batching) } : {}),
    instance_group: source.instances === undefined ? [] : [{ name: source.name, kind: 'KIND_CPU' as const, count: source.instances }],
    model_transaction_policy: { decoupled: false },
    response_cache: { enable: source.cached },
  };
}

function encodeDynamicBatching(batching: NonNullable<ModelConfigSource['batching']>): TritonDynamicBatching {
  return {
    preferred_batch_size: [...batching.preferredBatchSizes],
    max_queue_delay_microseconds: batching.maxQueueDelayMicros,
    // umbral answers each request as its run ends; runs of one model may end out of order.
    preserve_ordering: false,
    // A full queue refuses at once (503 with Retry-After); a waiting request is bounded by the model's deadline, not a queue timeout.
    default_queue_policy: { timeout_action: 'REJECT', default_timeout_microseconds: 0, allow_timeout_override: false, max_queue_size: batching.maxQueueSize },
  };
}
