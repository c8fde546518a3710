import type { BatchObserver, BatchRun } from '../batching/batch-observer.js';
import type { BatchObserverFactory, CacheOutcome, InferenceObserver, RequestOutcome } from '../inference-observer.js';

/** A count and the time it took in all, in nanoseconds (Triton's `StatisticDuration`). */
export interface Duration {
  readonly count: number;
  readonly ns: number;
}

/** What a version's requests took, by phase (Triton's `InferStatistics`). */
export interface InferenceDurations {
  /** Requests answered, cache hits included: their time in the data plane. */
  readonly success: Duration;
  /** Requests the version failed. */
  readonly fail: Duration;
  /** Waiting in the scheduler for a run (cache hits count, with no time). */
  readonly queue: Duration;
  /** Decoding and checking the inputs. */
  readonly computeInput: Duration;
  /** The run that computed the request. */
  readonly computeInfer: Duration;
  /** Post-processing the outputs (classification). */
  readonly computeOutput: Duration;
  readonly cacheHit: Duration;
  readonly cacheMiss: Duration;
}

/** The runs of one batch size (Triton's `InferBatchStatistics`), each phase counted once per run. */
export interface BatchDurations {
  readonly batchSize: number;
  /** Merging the requests into the run's tensors. */
  readonly computeInput: Duration;
  readonly computeInfer: Duration;
  /** Splitting the run's outputs per request. */
  readonly computeOutput: Duration;
}

/** Everything one model version did since this process started (Triton's `ModelStatistics`). */
export interface VersionStatistics {
  readonly name: string;
  readonly version: string;
  /** When its last request ended, in ms since the epoch; 0 before any. */
  readonly lastInference: number;
  /** Rows computed by successful runs (a request of batch 8 counts 8); cache hits excluded. */
  readonly inferenceCount: number;
  /** Successful runs (a dynamically batched run of 8 requests counts 1); cache hits excluded. */
  readonly executionCount: number;
  readonly inference: InferenceDurations;
  /** By batch size, smallest first. */
  readonly batches: readonly BatchDurations[];
}

type Phase = keyof InferenceDurations;
const PHASES: readonly Phase[] = ['success', 'fail', 'queue', 'computeInput', 'computeInfer', 'computeOutput', 'cacheHit', 'cacheMiss'];

/** A mutable duration: counters only, so recording costs a few additions. */
class Tally {
  count = 0;
  ns = 0;

  add(ms: number): void {
    this.count += 1;
    this.ns += Math.round(ms * 1e6);
  }

  read(): Duration {
    return { count: this.count, ns: this.ns };
  }
}

class BatchTally {
  readonly computeInput = new Tally();
  readonly computeInfer = new Tally();
  readonly computeOutput = new Tally();
}

class VersionTally {
  lastInference = 0;
  inferenceCount = 0;
  executionCount = 0;
  readonly phases = Object.fromEntries(PHASES.map((phase) => [phase, new Tally()])) as Record<Phase, Tally>;
  readonly batches = new Map<number, BatchTally>();

  read(name: string, version: string): VersionStatistics {
    return {
      name, version, lastInference: this.lastInference, inferenceCount: this.inferenceCount, executionCount: this.executionCount,
      inference: Object.fromEntries(PHASES.map((phase) => [phase, this.phases[phase].read()])) as unknown as InferenceDurations,
      batches: [...this.batches].sort(([a], [b]) => a - b).map(([batchSize, tally]) => ({
        batchSize, computeInput: tally.computeInput.read(), computeInfer: tally.computeInfer.read(), computeOutput: tally.computeOutput.read(),
      })),
    };
  }
}

/**
 * Cumulative per-version statistics in the shape of Triton's statistics extension, fed by the data
 * plane's observers: `InferenceObserver` for each request, and each version's `BatchObserver` for
 * its runs. Counting is a handful of additions per event; reading copies. Versions keep their counts
 * across reloads (they are keyed by model and version), as Triton's do while the server runs.
 */
export class ModelStatistics implements InferenceObserver {
  readonly #models = new Map<string, Map<string, VersionTally>>();

  /** The scheduler observer of one version: its runs, by batch size. */
  readonly forVersion: BatchObserverFactory = (model, version): BatchObserver => {
    const tally = this.#tally(model, version);
    return {
      queueDepthChanged: () => undefined,
      batchRan: (run: BatchRun) => {
        if (!run.ok) return;
        tally.executionCount += 1;
        tally.inferenceCount += run.size;
        let batch = tally.batches.get(run.size);
        if (!batch) tally.batches.set(run.size, (batch = new BatchTally()));
        batch.computeInput.add(run.inputMs);
        batch.computeInfer.add(run.inferMs);
        batch.computeOutput.add(run.outputMs);
      },
    };
  };

  requestEnded(outcome: RequestOutcome): void {
    const tally = this.#tally(outcome.model, outcome.version);
    const { phases } = tally;
    tally.lastInference = Date.now();
    if (!outcome.ok) {
      phases.fail.add(outcome.durationMs);
      return;
    }
    phases.success.add(outcome.durationMs);
    phases.queue.add(outcome.queueMs);
    phases.computeInput.add(outcome.inputMs);
    phases.computeInfer.add(outcome.inferMs);
    phases.computeOutput.add(outcome.outputMs);
  }

  cacheAnswered(outcome: CacheOutcome): void {
    const tally = this.#tally(outcome.model, outcome.version);
    if (!outcome.hit) {
      tally.phases.cacheMiss.add(outcome.ms);
      return;
    }
    // A hit is a successful request that waited in no queue, as Triton counts it.
    tally.lastInference = Date.now();
    tally.phases.cacheHit.add(outcome.ms);
    tally.phases.success.add(outcome.ms);
    tally.phases.queue.add(0);
  }

  /** One version's statistics; zeros for a version that has seen no request. */
  of(model: string, version: string): VersionStatistics {
    return (this.#models.get(model)?.get(version) ?? new VersionTally()).read(model, version);
  }

  /** The versions of `model` that have statistics. */
  versionsOf(model: string): string[] {
    return [...(this.#models.get(model)?.keys() ?? [])];
  }

  #tally(model: string, version: string): VersionTally {
    let versions = this.#models.get(model);
    if (!versions) this.#models.set(model, (versions = new Map()));
    let tally = versions.get(version);
    if (!tally) versions.set(version, (tally = new VersionTally()));
    return tally;
  }
}
