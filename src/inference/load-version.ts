import type { Backend } from '../backends/backend.js';
import { Errors } from '../errors/catalogue.js';
import type { Metrics } from '../observability/metrics.js';
import { manifestToModelConfig } from '../model/manifest-config.js';
import { ModelScheduler } from './batching/model-scheduler.js';
import { observeBoth, type BatchObserverFactory } from './inference-observer.js';
import { metricsObserver } from './metrics-observer.js';
import type { PlannedVersion } from './model-plan.js';
import { resolveServedSignature } from './served-signature.js';
import type { ServedVersion } from './served-version.js';
import { warmUpRequest } from './warm-up-request.js';

export interface LoadVersionOptions {
  readonly backend: Backend;
  readonly metrics: Metrics;
  readonly defaultMaxQueueSize: number;
  /** Label the scheduler's metrics (false for a trial load that will never serve). */
  readonly observe: boolean;
  /** A remote version's servers, in place of its descriptor's (the model's policy). */
  readonly servers?: readonly string[];
  /** Another observer of the scheduler of a version that serves (statistics), beside the metrics. */
  readonly batchObserver?: BatchObserverFactory;
}

/**
 * Loads one version through its backend, checks its manifest against what the artifact serves,
 * wraps it in its scheduler and runs one warm-up request. Anything that fails releases what was
 * loaded and throws with the cause.
 */
export async function loadVersion(model: string, planned: PlannedVersion, options: LoadVersionOptions): Promise<ServedVersion> {
  const config = manifestToModelConfig(planned.manifest);
  const loaded = await options.backend.load({
    model, version: planned.version, artifactPath: planned.artifactPath, ...(options.servers ? { servers: options.servers } : {}),
  });
  try {
    const served = resolveServedSignature(loaded.signature, config);
    if ('problems' in served) throw Errors.modelConfigInvalid(model, served.problems);
    const batching = config.dynamic_batching;
    const scheduler = new ModelScheduler(loaded, {
      model,
      version: planned.version,
      maxBatchSize: batching ? config.max_batch_size : 0,
      maxQueueDelayMicros: batching?.max_queue_delay_microseconds ?? 0,
      preferredBatchSizes: batching?.preferred_batch_size ?? [],
      maxQueueSize: batching?.max_queue_size ?? options.defaultMaxQueueSize,
      observer: options.observe
        ? observeBoth(metricsObserver(options.metrics, model, planned.version), options.batchObserver?.(model, planned.version))
        : undefined,
    });
    // Straight to the model, not through the scheduler: a warm-up is not traffic and stays out of metrics.
    if (loaded.warmUp !== false) {
      await loaded.infer(warmUpRequest(served.signature), AbortSignal.timeout(60_000)).catch((error: unknown) => {
        throw Errors.modelLoadFailed(model, `warm-up request failed: ${(error as Error).message}`);
      });
    }
    return { model, version: planned.version, config, served, loaded, scheduler };
  } catch (error) {
    await loaded.release();
    throw error;
  }
}

/** Stops a version taking requests, lets the queued and running ones finish, then frees it. */
export async function retireVersion(version: ServedVersion): Promise<void> {
  await version.scheduler.close();
  await version.loaded.release();
}
