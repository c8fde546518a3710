import {
  BrokenCircuitError, circuitBreaker, CircuitState, ConsecutiveBreaker, CountBreaker, handleWhen, type CircuitBreakerPolicy, type IBreaker,
} from 'cockatiel';
import type { ServerStatus } from './upstream-control.js';
import type { BreakerPolicy } from './resilience-policy.js';
import { isUpstreamError } from './upstream-error.js';

/**
 * Opens when either breaker says so: `consecutive` failures in a row, or a failure ratio over the
 * last calls once enough were seen. cockatiel has each; this combines them.
 */
class EitherBreaker implements IBreaker {
  constructor(private readonly first: IBreaker, private readonly second: IBreaker) {}

  get state(): unknown {
    return [this.first.state, this.second.state];
  }

  set state(value: unknown) {
    const [a, b] = value as [unknown, unknown];
    this.first.state = a;
    this.second.state = b;
  }

  success(state: CircuitState): void {
    this.first.success(state);
    this.second.success(state);
  }

  failure(state: CircuitState): boolean {
    const first = this.first.failure(state);
    const second = this.second.failure(state);
    return first || second;
  }
}

/**
 * cockatiel's CountBreaker opens when failures exceed threshold·calls, and refuses a threshold of 1;
 * a hair below the ratio makes it open when failures reach it, as the policy says (exact for any
 * ratio written with fewer than nine decimals).
 */
const REACH = 1e-9;

/** The answer of a call that failed without saying anything against the server (a 4xx): a success to the breaker. */
interface Answered { readonly refused: unknown }

/**
 * The circuit breaker of one upstream server (cockatiel's): failures that say the server is unwell
 * (UpstreamError.countsAgainstServer) count; a 4xx answer counts as the server answering; a caller
 * giving up counts as nothing. Open, it refuses at once; after `halfOpenAfterMs` one call goes
 * through as a probe, and its outcome closes or reopens it.
 */
export class ServerBreaker {
  readonly #policy: CircuitBreakerPolicy;
  #openedAt = 0;

  constructor(private readonly options: BreakerPolicy, onChange: (state: ServerStatus['breaker']) => void) {
    const breaker = new EitherBreaker(
      new ConsecutiveBreaker(options.consecutiveFailures),
      new CountBreaker({
        threshold: Math.max(REACH, options.failureRatio - REACH), size: options.windowSize,
        minimumNumberOfCalls: Math.min(options.minRequests, options.windowSize),
      }),
    );
    this.#policy = circuitBreaker(handleWhen((error) => isUpstreamError(error) && error.countsAgainstServer), {
      halfOpenAfter: options.halfOpenAfterMs, breaker,
    });
    this.#policy.onBreak(() => {
      // Date.now, not performance.now: cockatiel times halfOpenAfter with it, and this must agree.
      this.#openedAt = Date.now();
      onChange('open');
    });
    this.#policy.onHalfOpen(() => onChange('half-open'));
    this.#policy.onReset(() => onChange('closed'));
  }

  get state(): ServerStatus['breaker'] {
    switch (this.#policy.state) {
      case CircuitState.Closed: return 'closed';
      case CircuitState.HalfOpen: return 'half-open';
      default: return 'open';
    }
  }

  /** Whether a call may go now: closed, or open long enough that the next call is the probe. */
  admits(): boolean {
    const state = this.#policy.state;
    return state === CircuitState.Closed || (state === CircuitState.Open && this.msUntilHalfOpen() === 0);
  }

  /** Time left before an open breaker lets a probe through (0 when it would now, or when not open). */
  msUntilHalfOpen(): number {
    if (this.#policy.state !== CircuitState.Open) return 0;
    return Math.max(0, this.#openedAt + this.options.halfOpenAfterMs - Date.now());
  }

  /**
   * Runs `fn` under the breaker; rejects with BrokenCircuitError without calling it when open, or
   * when half-open with the probe already out (cockatiel would hold the call until the probe ends).
   * A probe cut short by its caller closes the breaker (cockatiel's rule for errors it does not
   * count), but the failure counts stay, so the next failure reopens it.
   */
  async execute<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#policy.state === CircuitState.HalfOpen) throw new BrokenCircuitError();
    const result = await this.#policy.execute(async (): Promise<{ readonly value: T } | Answered> => {
      try {
        return { value: await fn() };
      } catch (error) {
        if (isUpstreamError(error) && !error.countsAgainstServer) return { refused: error };
        throw error;
      }
    });
    if ('refused' in result) throw result.refused;
    return result.value;
  }
}

export { BrokenCircuitError };
