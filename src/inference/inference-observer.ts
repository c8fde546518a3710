import type { BatchObserver } from './batching/batch-observer.js';

/** One tensor request as the model version that took it saw it. */
export interface RequestOutcome {
  readonly model: string;
  readonly version: string;
  /** False when the version failed it (a bad input it refused, a failed run, a deadline). */
  readonly ok: boolean;
  /** The request's time in the data plane for this version: checks, queue, run, post-processing. */
  readonly durationMs: number;
  /** Time it waited in the version's scheduler for a run (0 when it never reached one). */
  readonly queueMs: number;
  /** Time spent making its input ready: decoding the protocol's tensors and checking them against the signature. */
  readonly inputMs: number;
  /** Time of the run that computed it (0 when it never ran). */
  readonly inferMs: number;
  /** Time spent on its outputs after the run: classification (top-k labels). */
  readonly outputMs: number;
}

/** A request to a cached model answered through the response cache. */
export interface CacheOutcome {
  readonly model: string;
  readonly version: string;
  /** True when the answer came from the cache (a stale answer standing in for a failure included). */
  readonly hit: boolean;
  /** A hit: the lookup and decoding of the answer; a miss: the lookup and the store, without the computation. */
  readonly ms: number;
}

/**
 * Hears how tensor requests end, per model version, to turn them into statistics. Calls are
 * synchronous and on the request path: an observer records and returns, it never throws.
 */
export interface InferenceObserver {
  /** A request to a version ended, well or not (not for an answer from the cache). */
  requestEnded(outcome: RequestOutcome): void;
  /** A request to a cached model was looked up in the cache (after `requestEnded` for a miss). */
  cacheAnswered(outcome: CacheOutcome): void;
}

/** Gives each version loaded to serve its scheduler's observer (beside the metrics one). */
export type BatchObserverFactory = (model: string, version: string) => BatchObserver;

/** Both observers hear every event, `first` first. */
export function observeBoth(first: BatchObserver, second: BatchObserver | undefined): BatchObserver {
  if (!second) return first;
  return {
    queueDepthChanged: (depth) => {
      first.queueDepthChanged(depth);
      second.queueDepthChanged(depth);
    },
    batchRan: (run) => {
      first.batchRan(run);
      second.batchRan(run);
    },
  };
}
