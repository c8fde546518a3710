import type { BackendKind } from '../backends/backend.js';
import type { ModelConfigSource } from '../protocol/kserve/encode-model-config.js';
import type { ServedVersion } from './served-version.js';

/**
 * How one model version is served, in the terms of Triton's model configuration but before any
 * encoding (the shape protocol/kserve/encode-model-config.ts encodes), with umbral's backend kind.
 */
export interface ModelConfiguration extends ModelConfigSource {
  /** As model metadata says (onnx: `onnxruntime_onnx`; kserve: the upstream's; openai: `openai`). */
  readonly platform: string;
  readonly backend: BackendKind;
}

/** The configuration `served` runs with; `versions` and `cached` are the model's. */
export function describeConfiguration(served: ServedVersion, model: { versions: readonly string[]; cached: boolean }): ModelConfiguration {
  const { signature } = served.served;
  const settings = served.scheduler.settings;
  const remote = served.loaded.upstream !== undefined || served.loaded.llm !== undefined;
  return {
    name: served.model,
    versions: model.versions,
    platform: signature.platform,
    backend: served.config.backend,
    maxBatchSize: served.config.max_batch_size,
    inputs: signature.inputs,
    outputs: signature.outputs,
    ...(served.config.dynamic_batching ? {
      batching: {
        preferredBatchSizes: settings.preferredBatchSizes, maxQueueDelayMicros: settings.maxQueueDelayMicros, maxQueueSize: settings.maxQueueSize,
      },
    } : {}),
    ...(remote ? {} : { instances: Math.max(1, served.loaded.concurrency) }),
    cached: model.cached,
  };
}
