import type { BackendKind, TensorSpec } from '../backends/backend.js';
import type { ServedVersion } from './served-version.js';

/**
 * How one model version is served, in the terms of Triton's model configuration but before any
 * encoding: the transports turn it into Triton's JSON or protobuf (protocol/kserve/encode-model-config.ts).
 */
export interface ModelConfiguration {
  readonly name: string;
  /** The version described. */
  readonly version: string;
  /** The model's live versions, highest first: each can be named in a request. */
  readonly versions: readonly string[];
  /** As model metadata says (onnx: `onnxruntime_onnx`; kserve: the upstream's; openai: `openai`). */
  readonly platform: string;
  readonly backend: BackendKind;
  /** Largest first (batch) dimension a request may have; 0: the model has no batch dimension. */
  readonly maxBatchSize: number;
  /** Shapes in full, the batch dimension (-1) included when `maxBatchSize` > 0. */
  readonly inputs: readonly TensorSpec[];
  readonly outputs: ReadonlyArray<TensorSpec & { readonly labels?: readonly string[] }>;
  /** Present when requests are merged into runs (the model's `dynamic_batching`). */
  readonly batching?: {
    readonly preferredBatchSizes: readonly number[];
    readonly maxQueueDelayMicros: number;
    /** Requests that may wait; one more is refused. */
    readonly maxQueueSize: number;
  };
  /** Runs in flight at once in this process (onnx: its worker threads); absent for a remote model. */
  readonly instances?: number;
  /** Whether the model's answers go through the response cache (its policy's `cache`). */
  readonly cached: boolean;
}

/** The configuration `served` runs with; `versions` and `cached` are the model's. */
export function describeConfiguration(served: ServedVersion, model: { versions: readonly string[]; cached: boolean }): ModelConfiguration {
  const { signature, labels } = served.served;
  const settings = served.scheduler.settings;
  const remote = served.loaded.upstream !== undefined || served.loaded.llm !== undefined;
  return {
    name: served.model,
    version: served.version,
    versions: model.versions,
    platform: signature.platform,
    backend: served.config.backend,
    maxBatchSize: served.config.max_batch_size,
    inputs: signature.inputs,
    outputs: signature.outputs.map((spec) => {
      const names = labels.get(spec.name);
      return names ? { ...spec, labels: names } : spec;
    }),
    ...(served.config.dynamic_batching ? {
      batching: {
        preferredBatchSizes: settings.preferredBatchSizes, maxQueueDelayMicros: settings.maxQueueDelayMicros, maxQueueSize: settings.maxQueueSize,
      },
    } : {}),
    ...(remote ? {} : { instances: Math.max(1, served.loaded.concurrency) }),
    cached: model.cached,
  };
}
