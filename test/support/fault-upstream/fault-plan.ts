import { mulberry32 } from '../../../src/random/mulberry32.js';

/**
 * What a fault-injecting upstream does to the requests it picks:
 * - `status503` / `status429` / `status500`: answers that status (429 with Retry-After);
 * - `hang`: never answers (until the client gives up);
 * - `reset`: destroys the connection before answering (gRPC: UNAVAILABLE);
 * - `slow`: answers correctly after `slowMs`;
 * - `cut`: starts a good answer and breaks it off (a stream cut short, a body shorter than its length);
 * - `malformed`: answers 200 with a body that is not the protocol's shape.
 */
export type FaultKind = 'status503' | 'status429' | 'status500' | 'hang' | 'reset' | 'slow' | 'cut' | 'malformed';

export interface FaultPlan {
  readonly kind: FaultKind;
  /** Share of requests that get the fault, 0…1 (1 = every request). */
  readonly rate: number;
  /** For `slow`: how long to wait before answering. */
  readonly slowMs?: number;
  /** For `status429`/`status503`: the Retry-After sent, in seconds. */
  readonly retryAfterSeconds?: number;
}

/**
 * The fault switch of one upstream: tests set a plan, every request asks `pick()` whether it is
 * faulted. The choice is pseudo-random from a fixed seed, so a run is reproducible.
 */
export class FaultSwitch {
  #plan: FaultPlan | undefined;
  #random: () => number;
  requests = 0;
  faulted = 0;

  constructor(seed = 42) {
    this.#random = mulberry32(seed);
  }

  set(plan: FaultPlan | undefined): void {
    this.#plan = plan;
  }

  /** Counts the request; returns the fault to inject, or undefined to answer normally. */
  pick(): FaultPlan | undefined {
    this.requests += 1;
    const plan = this.#plan;
    if (!plan || plan.rate <= 0 || this.#random() >= plan.rate) return undefined;
    this.faulted += 1;
    return plan;
  }

  resetCounts(): void {
    this.requests = 0;
    this.faulted = 0;
  }
}
