import type { BackendInferRequest, BackendInferResponse, LoadedModel } from '../../backends/backend.js';
import { Errors } from '../../errors/catalogue.js';
import { batchKey, rowCount } from './batch-key.js';
import type { BatchObserver } from './batch-observer.js';
import { mergeRequests, splitResponse } from './merge-batch.js';
import { planBatch, type BatchPolicy } from './plan-batch.js';
import { RunStatistics } from './run-statistics.js';
import { WaitingRequest, type ScheduledResult } from './waiting-request.js';

export type { ScheduledResult } from './waiting-request.js';

// setTimeout fires at once past this; a longer delay is re-planned when it fires.
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ModelSchedulerOptions {
  readonly model: string;
  readonly version: string;
  /** Most rows in one run; 0: the model has no batch dimension and requests are never merged. */
  readonly maxBatchSize: number;
  /** How long the oldest queued request may wait for its batch to grow, in microseconds. */
  readonly maxQueueDelayMicros: number;
  /** Batch sizes dispatched as soon as they are reached. */
  readonly preferredBatchSizes: readonly number[];
  /** Requests that may wait; one more is refused with UMBRAL_ERR_QUEUE_FULL. */
  readonly maxQueueSize: number;
  readonly observer?: BatchObserver;
}

/**
 * The only way the data plane runs a loaded model. At most `model.concurrency` runs are in flight;
 * other requests wait in a bounded FIFO queue, where compatible ones merge into batches (dynamic
 * batching, see `planBatch`): the busier the model, the larger the batches. Unlike Triton, a model
 * with no run in flight dispatches at once instead of waiting `max_queue_delay` for company: the
 * delay only buys batch size when requests are bound to arrive, and costs every quiet request.
 */
export class ModelScheduler {
  readonly #queue: WaitingRequest[] = [];
  readonly #stats = new RunStatistics();
  readonly #policy: BatchPolicy;
  readonly #idlePolicy: BatchPolicy;
  readonly #idle: (() => void)[] = [];
  #inFlight = 0;
  #timer: NodeJS.Timeout | undefined;
  #closing = false;

  constructor(private readonly loaded: LoadedModel, private readonly options: ModelSchedulerOptions) {
    this.#policy = {
      maxBatchSize: options.maxBatchSize,
      maxQueueDelayMs: options.maxQueueDelayMicros / 1000,
      preferredBatchSizes: options.preferredBatchSizes,
    };
    this.#idlePolicy = { ...this.#policy, maxQueueDelayMs: 0 };
  }

  /** How this scheduler batches and queues (what Triton's model configuration calls dynamic batching). */
  get settings(): Omit<ModelSchedulerOptions, 'observer'> {
    const { observer: _observer, ...settings } = this.options;
    return settings;
  }

  /** Requests waiting for a run. */
  get queueDepth(): number {
    return this.#queue.length;
  }

  /**
   * Runs a request, alone or merged with others. An aborted signal takes it out of the queue, or
   * answers it at once if its run has started (the run goes on for the others in it); either way
   * the promise rejects with the signal's reason.
   */
  infer(request: BackendInferRequest, signal: AbortSignal): Promise<ScheduledResult> {
    const { model, maxBatchSize, maxQueueSize } = this.options;
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#closing) return Promise.reject(Errors.shuttingDown());
    const rows = rowCount(request);
    if (maxBatchSize > 0 && rows > maxBatchSize) {
      return Promise.reject(Errors.batchTooLarge(request.inputs[0]?.name ?? '', rows, maxBatchSize));
    }
    if (this.#queue.length >= maxQueueSize) {
      const retryAfter = this.#stats.retryAfterSeconds(this.#queue.length, this.loaded.concurrency);
      return Promise.reject(Errors.queueFull(model, this.#queue.length, retryAfter));
    }
    return new Promise((resolve, reject) => {
      const waiting = new WaitingRequest(request, batchKey(request), rows, signal, resolve, reject, () => this.#cancel(waiting));
      this.#queue.push(waiting);
      this.options.observer?.queueDepthChanged(this.#queue.length);
      this.#pump();
    });
  }

  /** Resolves once no request is queued or running. */
  drain(): Promise<void> {
    if (this.#queue.length === 0 && this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /**
   * Stops taking requests (new ones get UMBRAL_ERR_SHUTTING_DOWN) and resolves once every accepted
   * one is answered. Queued requests are served, without waiting for their batches to grow, not
   * dropped: a caller that must stop sooner aborts its signal. The model itself is not released.
   */
  close(): Promise<void> {
    this.#closing = true;
    this.#pump();
    return this.drain();
  }

  #pump(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const slots = Math.max(1, this.loaded.concurrency);
    while (this.#inFlight < slots && this.#queue.length > 0) {
      // The batching delay is worth paying only while the model is busy, when more requests are
      // bound to arrive; a model with nothing running takes a lone request at once. Closing drains.
      const wait = !this.#closing && this.#inFlight > 0;
      const plan = planBatch(this.#queue, wait ? this.#policy : this.#idlePolicy, performance.now());
      if ('waitMs' in plan) {
        this.#timer = setTimeout(() => this.#pump(), Math.min(Math.ceil(plan.waitMs), MAX_TIMER_MS));
        return;
      }
      const batch = plan.dispatch.map((index) => this.#queue[index]).filter((w): w is WaitingRequest => w !== undefined);
      for (let i = plan.dispatch.length - 1; i >= 0; i--) this.#queue.splice(plan.dispatch[i] ?? 0, 1);
      this.options.observer?.queueDepthChanged(this.#queue.length);
      void this.#run(batch);
    }
  }

  async #run(batch: readonly WaitingRequest[]): Promise<void> {
    this.#inFlight += 1;
    const rows = this.options.maxBatchSize > 0 ? batch.reduce((sum, w) => sum + w.rows, 0) : 1;
    const run = new AbortController();
    for (const waiting of batch) waiting.start(() => {
      // The run is abandoned only when every caller in it is gone.
      if (batch.every((w) => w.settled)) run.abort(waiting.signal.reason);
    });
    const started = performance.now();
    // The phases' ends, for statistics: inputs merged, the backend answered, outputs split.
    let merged = started;
    let ran = started;
    let split = started;
    let ok = false;
    try {
      const [only] = batch;
      const request = batch.length === 1 && only ? only.request : mergeRequests(batch.map((w) => w.request));
      merged = performance.now();
      const response = await this.loaded.infer(request, run.signal);
      ran = performance.now();
      const computeMs = ran - started;
      const parts: readonly BackendInferResponse[] = batch.length === 1
        ? [response] : splitResponse(this.options.model, response, batch.map((w) => w.rows));
      split = performance.now();
      batch.forEach((waiting, i) => waiting.succeed(parts[i] ?? { outputs: [] }, rows, started, computeMs));
      ok = true;
    } catch (error) {
      for (const waiting of batch) waiting.fail(error);
    } finally {
      const computeMs = performance.now() - started;
      if (ran === started) ran = performance.now();
      if (split === started) split = ran;
      this.#stats.record(computeMs, batch.length);
      this.options.observer?.batchRan({
        size: rows, requests: batch.length, computeMs, ok, inputMs: merged - started, inferMs: ran - merged, outputMs: split - ran,
      });
      this.#inFlight -= 1;
      this.#pump();
      this.#notifyIdle();
    }
  }

  #cancel(waiting: WaitingRequest): void {
    const index = this.#queue.indexOf(waiting);
    if (index < 0) return;
    this.#queue.splice(index, 1);
    this.options.observer?.queueDepthChanged(this.#queue.length);
    this.#notifyIdle();
  }

  #notifyIdle(): void {
    if (this.#queue.length > 0 || this.#inFlight > 0) return;
    for (const resolve of this.#idle.splice(0)) resolve();
  }
}
