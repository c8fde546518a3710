import { Errors } from '../../errors/catalogue.js';
import type { ModelHost } from '../model-host.js';
import { ModelLoad } from './model-load.js';

/** What admission reports (metrics). */
export interface AdmissionObserver {
  /** A request for `model` was refused: it would have waited about `waitMs`. */
  refused(model: string, waitMs: number): void;
}

export interface AdmissionOptions {
  readonly host: ModelHost;
  /** The target of models whose serving version sets no `dynamic_batching.max_queue_wait_ms` (`batching.maxQueueWaitMs`); absent: their deadline. */
  readonly defaultTargetMs?: number;
  /** A model's request deadline: the target when nothing else sets one (a request that would miss it is refused). */
  readonly deadlineOf: (model: string) => number;
  readonly observer?: AdmissionObserver;
  /** How late the event loop runs (ms): the wait before a request is even read. Default: none counted. */
  readonly loopDelayMs?: () => number;
}

/** An admitted request: `leave()` once, when it is answered, fails or its client goes. */
export interface AdmissionTicket {
  leave(): void;
}

/**
 * The estimate is the mean wait; a request's own wait spreads around it (one that arrives just as a
 * batch leaves waits a whole run more). Admitting while the mean is at most this share of the target
 * keeps the slowest admitted requests within it (measured: `npm run bench`, "Overload").
 */
const MEAN_SHARE_OF_TARGET = 0.6;

const NOTHING_TO_RELEASE: AdmissionTicket = { leave: () => undefined };

/**
 * Admission by queueing time: before a request for a model is read (REST, before its body; gRPC,
 * before its tensors are decoded), the time the requests already held for that model will take
 * (`ModelLoad`) is compared with the model's target (its mean kept at 60 % of it); above, the request is refused at once with
 * 503 UMBRAL_ERR_OVERLOADED and Retry-After, for the price of a few microseconds instead of a
 * decode, a queue and a late answer. A model holding no request always admits.
 */
export class Admission {
  readonly #loads = new Map<string, ModelLoad>();

  constructor(private readonly options: AdmissionOptions) {}

  /** Admits a request for `model`, or throws UMBRAL_ERR_OVERLOADED. Unknown models pass (the route answers 404). */
  admit(model: string): AdmissionTicket {
    const targetMs = this.#targetOf(model);
    if (targetMs === undefined) return NOTHING_TO_RELEASE;
    let load = this.#loads.get(model);
    if (!load) {
      load = new ModelLoad();
      this.#loads.set(model, load);
    }
    const waitMs = load.inFlight === 0 ? 0 : load.expectedWaitMs() + (this.options.loopDelayMs?.() ?? 0);
    if (waitMs > targetMs * MEAN_SHARE_OF_TARGET) {
      this.options.observer?.refused(model, waitMs);
      throw Errors.overloaded(model, waitMs, targetMs, Math.max(1, Math.ceil(waitMs / 1000)));
    }
    load.enter();
    const admitted = load;
    let left = false;
    return {
      leave: () => {
        if (left) return;
        left = true;
        admitted.leave();
      },
    };
  }

  /** The model's target: its serving version's `dynamic_batching.max_queue_wait_ms`, else the default; undefined for an unknown model. */
  #targetOf(model: string): number | undefined {
    const hosted = this.options.host.get(model);
    if (!hosted) return undefined;
    const serving = hosted.defaultVersion === undefined ? undefined : hosted.states.get(hosted.defaultVersion);
    const own = serving?.status === 'ready' ? serving.version.config.dynamic_batching?.max_queue_wait_ms : undefined;
    return own ?? this.options.defaultTargetMs ?? this.options.deadlineOf(model);
  }
}
