import type { InferenceService } from '../../inference/inference-service.js';
import { failureOf } from '../../inference/prediction-observer.js';
import type { ShadowObserver, ShadowRequest } from '../../inference/shadow-observer.js';
import { compareAnswers } from './compare-answers.js';
import type { ShadowOutcomes } from './shadow-outcomes.js';

export interface ShadowRunnerOptions {
  /** The data plane's engine: the copy goes through the same path (signature checks, batching, deadline), without cache or fallback. */
  readonly inference: Pick<InferenceService, 'resolve' | 'infer'>;
  /** Mirrored requests waiting at most; past it new ones are dropped (counted). */
  readonly queueSize: number;
  /** Copies running at once at most. */
  readonly concurrency: number;
  /** Hear how each mirrored request ends (statistics, metrics). */
  readonly outcomes: readonly ShadowOutcomes[];
}

/**
 * Runs the copies of mirrored requests (policy `traffic.shadow`) off the request path: `mirror` is
 * synchronous and O(1) (a bounded queue: when full, the copy is dropped and counted), and copies
 * start on a later turn of the event loop, after the client's answer is on its way, at most
 * `concurrency` at a time. A copy that fails, or is slow, only counts: nothing here throws to, or
 * waits for, the data plane.
 */
export class ShadowRunner implements ShadowObserver {
  readonly #o: ShadowRunnerOptions;
  #queue: ShadowRequest[] = [];
  #running = 0;
  #scheduled = false;
  #closed = false;
  readonly #stop = new AbortController();
  #idle: Array<() => void> = [];

  constructor(options: ShadowRunnerOptions) {
    this.#o = options;
  }

  /** Mirrored requests waiting (for umbral_shadow_queue_depth). */
  get queueDepth(): number {
    return this.#queue.length;
  }

  mirror(request: ShadowRequest): void {
    if (this.#closed || this.#queue.length >= this.#o.queueSize) {
      this.#report((o) => o.dropped(request));
      return;
    }
    this.#queue.push(request);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#pump());
    }
  }

  /** Resolves once nothing is queued or running. */
  idle(): Promise<void> {
    if (this.#running === 0 && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Takes no more copies: those queued are dropped (counted), those running are aborted; resolves when they have ended. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const request of this.#queue.splice(0)) this.#report((o) => o.dropped(request));
    this.#stop.abort();
    await this.idle();
  }

  #pump(): void {
    this.#scheduled = false;
    while (this.#running < this.#o.concurrency && this.#queue.length > 0) {
      const request = this.#queue.shift() as ShadowRequest;
      this.#running++;
      void this.#run(request).finally(() => {
        this.#running--;
        this.#pump();
      });
    }
    if (this.#running === 0 && this.#queue.length === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  async #run(request: ShadowRequest): Promise<void> {
    const started = performance.now();
    try {
      const served = await this.#o.inference.resolve(request.model, request.targetVersion);
      const result = await this.#o.inference.infer(served, {
        inputs: request.inputs, outputs: request.requested, parameters: request.parameters, signal: this.#stop.signal, shadow: true,
      });
      const shadowMs = performance.now() - started;
      const comparison = compareAnswers(
        { outputs: request.outputs, ...(request.manifest ? { manifest: request.manifest } : {}) },
        { outputs: result.outputs, ...(request.targetManifest ? { manifest: request.targetManifest } : {}) },
      );
      this.#report((o) => o.compared(request, comparison, shadowMs));
    } catch (error) {
      const failure = failureOf(error);
      this.#report((o) => o.failed(request, { code: failure.code, message: error instanceof Error ? error.message : String(error) }));
    }
  }

  /** Tells every listener; one that throws is not let near the data plane. */
  #report(tell: (outcomes: ShadowOutcomes) => void): void {
    for (const outcomes of this.#o.outcomes) {
      try {
        tell(outcomes);
      } catch {
        // Counting must never fail a request: a listener's bug costs its own count only.
      }
    }
  }
}
