/*
 * Triton's statistics extension (server docs/protocol/extension_statistics.md): the body of
 * `GET /v2/models[/{m}[/versions/{v}]]/stats` and the gRPC `ModelStatisticsResponse`. Counts and
 * nanoseconds are JSON numbers, as Triton writes them; the gRPC message carries them as uint64.
 */

interface Duration {
  readonly count: number;
  readonly ns: number;
}

/** What `encodeStatistics` needs of one version (inference/statistics/model-statistics.ts). */
export interface StatisticsSource {
  readonly name: string;
  readonly version: string;
  readonly lastInference: number;
  readonly inferenceCount: number;
  readonly executionCount: number;
  readonly inference: {
    readonly success: Duration; readonly fail: Duration; readonly queue: Duration; readonly computeInput: Duration;
    readonly computeInfer: Duration; readonly computeOutput: Duration; readonly cacheHit: Duration; readonly cacheMiss: Duration;
  };
  readonly batches: ReadonlyArray<{ readonly batchSize: number; readonly computeInput: Duration; readonly computeInfer: Duration; readonly computeOutput: Duration }>;
}

export interface TritonDuration { count: number; ns: number }

export interface TritonModelStatistics {
  name: string;
  version: string;
  last_inference: number;
  inference_count: number;
  execution_count: number;
  inference_stats: {
    success: TritonDuration; fail: TritonDuration; queue: TritonDuration; compute_input: TritonDuration;
    compute_infer: TritonDuration; compute_output: TritonDuration; cache_hit: TritonDuration; cache_miss: TritonDuration;
  };
  batch_stats: Array<{ batch_size: number; compute_input: TritonDuration; compute_infer: TritonDuration; compute_output: TritonDuration }>;
}

export interface TritonStatisticsResponse {
  model_stats: TritonModelStatistics[];
}

export function encodeStatistics(versions: readonly StatisticsSource[]): TritonStatisticsResponse {
  return { model_stats: versions.map(encodeModelStatistics) };
}

function encodeModelStatistics(stats: StatisticsSource): TritonModelStatistics {
  const { inference } = stats;
  return {
    name: stats.name,
    version: stats.version,
    last_inference: stats.lastInference,
    inference_count: stats.inferenceCount,
    execution_count: stats.executionCount,
    inference_stats: {
      success: duration(inference.success), fail: duration(inference.fail), queue: duration(inference.queue),
      compute_input: duration(inference.computeInput), compute_infer: duration(inference.computeInfer),
      compute_output: duration(inference.computeOutput), cache_hit: duration(inference.cacheHit), cache_miss: duration(inference.cacheMiss),
    },
    batch_stats: stats.batches.map((batch) => ({
      batch_size: batch.batchSize, compute_input: duration(batch.computeInput),
      compute_infer: duration(batch.computeInfer), compute_output: duration(batch.computeOutput),
    })),
  };
}

function duration(value: Duration): TritonDuration {
  return { count: value.count, ns: value.ns };
}
