/** What one run of a model looked like, for metrics and statistics. */
export interface BatchRun {
  /** Rows the run computed (1 for a model without a batch dimension). */
  readonly size: number;
  /** Requests merged into the run. */
  readonly requests: number;
  /** Milliseconds the model took (merging and splitting the batch included). */
  readonly computeMs: number;
  /** Of `computeMs`: merging the requests' inputs into the run's tensors (0 for a lone request). */
  readonly inputMs: number;
  /** Of `computeMs`: the backend's run itself. */
  readonly inferMs: number;
  /** Of `computeMs`: splitting the run's outputs back into each request's (0 for a lone request). */
  readonly outputMs: number;
  /** False when the run failed (every request in it got the error). */
  readonly ok: boolean;
}

/**
 * Hears what a model's scheduler does, to turn it into metrics and statistics. Calls are synchronous and on the
 * request path: an observer records and returns, it never throws.
 */
export interface BatchObserver {
  /** The number of requests waiting for a run changed (queued, dispatched or cancelled). */
  queueDepthChanged(depth: number): void;
  /** A run finished, well or not. */
  batchRan(run: BatchRun): void;
}
