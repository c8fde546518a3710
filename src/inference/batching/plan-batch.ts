/** What the planner needs to know of a waiting request. */
export interface BatchCandidate {
  /** Compatibility key (`batchKey`); undefined: runs alone. */
  readonly key: string | undefined;
  readonly rows: number;
  /** `performance.now()` when it was queued. */
  readonly queuedAt: number;
}

export interface BatchPolicy {
  /** Most rows in one run; 0: the model has no batch dimension and requests are never merged. */
  readonly maxBatchSize: number;
  /** How long the oldest request may wait for a batch to grow, in milliseconds. */
  readonly maxQueueDelayMs: number;
  /** Batch sizes worth dispatching at once, without waiting for the delay. */
  readonly preferredBatchSizes: readonly number[];
}

/** Queue positions to run now as one batch, or how long to wait before planning again. */
export type BatchPlan = { readonly dispatch: readonly number[] } | { readonly waitMs: number };

/**
 * Plans the next run from a non-empty FIFO queue, with Triton's dynamic batcher's timing: the
 * oldest request always goes in; compatible requests behind it join in queue order (incompatible
 * ones are passed over and keep their place) until one would overflow `maxBatchSize`. The batch
 * goes at once when it is full, cannot grow, or reaches a preferred size (the largest one it can
 * make); otherwise it waits until the oldest request has waited `maxQueueDelayMs`.
 */
export function planBatch(queue: readonly BatchCandidate[], policy: BatchPolicy, now: number): BatchPlan {
  const head = queue[0];
  if (!head || policy.maxBatchSize === 0 || head.key === undefined) return { dispatch: [0] };
  const picked = [0];
  let rows = head.rows;
  let preferred = policy.preferredBatchSizes.includes(rows) ? 1 : 0;
  let overflow = false;
  for (let i = 1; i < queue.length && rows < policy.maxBatchSize; i++) {
    const candidate = queue[i];
    if (candidate?.key !== head.key) continue;
    if (rows + candidate.rows > policy.maxBatchSize) {
      overflow = true;
      break;
    }
    picked.push(i);
    rows += candidate.rows;
    if (policy.preferredBatchSizes.includes(rows)) preferred = picked.length;
  }
  if (rows >= policy.maxBatchSize || overflow) return { dispatch: picked };
  if (preferred > 0) return { dispatch: picked.slice(0, preferred) };
  const waited = now - head.queuedAt;
  if (waited >= policy.maxQueueDelayMs) return { dispatch: picked };
  return { waitMs: policy.maxQueueDelayMs - waited };
}
