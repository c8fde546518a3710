import { FaultSwitch, type FaultPlan } from './fault-plan.js';
import { ModelRepository } from './model-repository.js';
import { UPSTREAM_MODELS } from './upstream-models.js';

/** What a request asks for, as counted: health (live, ready), metadata (server, model), model readiness, inference, repository. */
export type RouteKind = 'health' | 'metadata' | 'modelReady' | 'infer' | 'repository';

/** The transport a request came by. */
export type UpstreamProtocol = 'http' | 'grpc';

/** The counters of one upstream, HTTP and gRPC together, since start or the last `resetCounts()`. */
export interface UpstreamCounts {
  /** Requests that reached a route (unknown paths are not counted). */
  readonly received: number;
  /** Requests that got an injected fault. */
  readonly faulted: number;
  /** Requests not answered yet (hanging and slow ones included). */
  readonly inFlight: number;
  readonly byRoute: Readonly<Record<RouteKind, number>>;
  readonly byProtocol: Readonly<Record<UpstreamProtocol, number>>;
}

export interface UpstreamStateOptions {
  /** Seed of the fault switch's pseudo-random pick (default 42). */
  readonly seed?: number;
  /** The fault plan at start (default none). */
  readonly fault?: FaultPlan;
  /** Fault every route, not only inference (default false). */
  readonly faultAllRoutes?: boolean;
  /** Wait before every answer, faulted or not (default 0): latency, not a fault. */
  readonly delayMs?: number;
  /** Names of the models loaded at start (default every model). */
  readonly loaded?: readonly string[];
}

/** A request let in: the fault to inject (if any); `finish()` once it is answered or abandoned. */
export interface Admission {
  readonly fault: FaultPlan | undefined;
  finish(): void;
}

const NO_ROUTES: Record<RouteKind, number> = { health: 0, metadata: 0, modelReady: 0, infer: 0, repository: 0 };

/**
 * What the HTTP and gRPC sides of one upstream share: one fault switch, one repository, one ready
 * flag and one set of counters, as one Triton process serves both protocols.
 */
export class UpstreamState {
  /** The fault switch: `faults.set(plan)` changes the faults of both protocols at once. */
  readonly faults: FaultSwitch;
  /** The models and which are loaded. */
  readonly repository: ModelRepository;
  /** Wait before every answer (not a fault). */
  readonly delayMs: number;
  /** Whether every route is faulted, not only inference. */
  readonly faultAllRoutes: boolean;
  /** Server readiness (`/v2/health/ready`, `ServerReady`); false answers 503 / ready: false. */
  ready = true;
  readonly #closing = new AbortController();
  #received = 0;
  #faulted = 0;
  #inFlight = 0;
  #byRoute = { ...NO_ROUTES };
  #byProtocol: Record<UpstreamProtocol, number> = { http: 0, grpc: 0 };

  constructor(options: UpstreamStateOptions = {}) {
    this.faults = new FaultSwitch(options.seed ?? 42);
    this.faults.set(options.fault);
    this.repository = new ModelRepository(UPSTREAM_MODELS, options.loaded);
    this.delayMs = options.delayMs ?? 0;
    this.faultAllRoutes = options.faultAllRoutes ?? false;
  }

  /** Fires when the upstream closes: hanging and waiting requests end. */
  get closing(): AbortSignal {
    return this.#closing.signal;
  }

  /** Counts a request and picks its fault. */
  admit(route: RouteKind, protocol: UpstreamProtocol): Admission {
    this.#received += 1;
    this.#byRoute[route] += 1;
    this.#byProtocol[protocol] += 1;
    this.#inFlight += 1;
    const fault = route === 'infer' || this.faultAllRoutes ? this.faults.pick() : undefined;
    if (fault) this.#faulted += 1;
    let finished = false;
    return {
      fault,
      finish: () => {
        if (finished) return;
        finished = true;
        this.#inFlight -= 1;
      },
    };
  }

  /** A snapshot of the counters. */
  get counts(): UpstreamCounts {
    return {
      received: this.#received, faulted: this.#faulted, inFlight: this.#inFlight,
      byRoute: { ...this.#byRoute }, byProtocol: { ...this.#byProtocol },
    };
  }

  /** Zeroes the counters (and the fault switch's); requests in flight stay counted in `inFlight`. */
  resetCounts(): void {
    this.#received = 0;
    this.#faulted = 0;
    this.#byRoute = { ...NO_ROUTES };
    this.#byProtocol = { http: 0, grpc: 0 };
    this.faults.resetCounts();
  }

  /** Ends every wait: called first by close(). */
  close(): void {
    this.#closing.abort();
  }

  /**
   * Waits `ms` (forever when undefined) unless the upstream closes or `gone` fires first.
   * Resolves true when the time ran out, false when cut short.
   */
  pause(ms: number | undefined, gone?: AbortSignal): Promise<boolean> {
    const signals = gone ? [this.closing, gone] : [this.closing];
    if (signals.some((signal) => signal.aborted)) return Promise.resolve(false);
    return new Promise((resolve) => {
      const end = (done: boolean) => {
        if (timer) clearTimeout(timer);
        for (const signal of signals) signal.removeEventListener('abort', cut);
        resolve(done);
      };
      const cut = () => end(false);
      const timer = ms === undefined ? undefined : setTimeout(() => end(true), ms);
      for (const signal of signals) signal.addEventListener('abort', cut, { once: true });
    });
  }
}
