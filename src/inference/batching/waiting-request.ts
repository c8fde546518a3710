import type { BackendInferRequest, BackendInferResponse } from '../../backends/backend.js';

/** What a scheduled request gets back. */
export interface ScheduledResult {
  /** This request's own outputs (its rows of the merged run). */
  readonly response: BackendInferResponse;
  /** Rows of the run it was part of (1 for a model without a batch dimension). */
  readonly batchSize: number;
  /** Milliseconds it waited in the queue. */
  readonly queueMs: number;
  /** Milliseconds its run took. */
  readonly computeMs: number;
}

/**
 * A request inside a scheduler, from queue to answer. It is answered exactly once: by its run, or
 * at once with the signal's reason when its caller aborts (then `onCancel` takes it out of the
 * queue, or the run's abort hook hears of it).
 */
export class WaitingRequest {
  readonly queuedAt = performance.now();
  #settled = false;
  #onRunAbort: (() => void) | undefined;

  constructor(
    readonly request: BackendInferRequest,
    /** `batchKey` of the request; undefined: it runs alone. */
    readonly key: string | undefined,
    readonly rows: number,
    readonly signal: AbortSignal,
    private readonly resolve: (result: ScheduledResult) => void,
    private readonly reject: (reason: unknown) => void,
    private readonly onCancel: () => void,
  ) {
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** True once the caller has its answer. */
  get settled(): boolean {
    return this.#settled;
  }

  /** The request left the queue for a run; `onAbort` is told if its caller gives up now. */
  start(onAbort: () => void): void {
    this.#onRunAbort = onAbort;
  }

  succeed(response: BackendInferResponse, batchSize: number, startedAt: number, computeMs: number): void {
    if (this.#settle()) this.resolve({ response, batchSize, queueMs: startedAt - this.queuedAt, computeMs });
  }

  fail(error: unknown): void {
    if (this.#settle()) this.reject(error);
  }

  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.signal.removeEventListener('abort', this.#onAbort);
    return true;
  }

  readonly #onAbort = (): void => {
    if (!this.#settle()) return;
    this.reject(this.signal.reason);
    if (this.#onRunAbort) this.#onRunAbort();
    else this.onCancel();
  };
}
