import { Errors } from '../errors/catalogue.js';

/** What a deadline's signal carries when the caller leaves first, given the caller's own reason. */
export type CancelReason = (callerReason: unknown) => unknown;

/** UMBRAL_ERR_CANCELLED, whatever the caller said: what the data plane answers. */
export const CANCELLED: CancelReason = () => Errors.cancelled();

/** The caller's own reason, unchanged: for a layer whose caller maps it (the server group). */
export const CALLER_REASON: CancelReason = (reason) => reason;

/**
 * The time limit of some work, linked to its caller: `signal` fires with UMBRAL_ERR_DEADLINE_EXCEEDED
 * when `ms` have passed, or with the cancel reason as soon as the caller's signal fires, whichever
 * comes first (the other is then ignored). One controller and one timer: AbortSignal.timeout with
 * AbortSignal.any costs about five times as much per request on Node 20, which shows on the hot path.
 * `dispose` when the work is over.
 */
export class Deadline {
  /** Fires at the deadline or when the caller leaves; its reason says which. */
  readonly signal: AbortSignal;
  /** The deadline in epoch ms, for protocols that carry it upstream (gRPC). */
  readonly at: number;
  readonly #end: number;
  readonly #controller = new AbortController();
  readonly #caller: AbortSignal;
  readonly #onCallerAbort: () => void;
  #timer: NodeJS.Timeout | undefined;
  #expired = false;

  constructor(caller: AbortSignal, readonly ms: number, cancel: CancelReason = CANCELLED) {
    this.signal = this.#controller.signal;
    this.at = Date.now() + ms;
    this.#end = performance.now() + ms;
    this.#caller = caller;
    this.#onCallerAbort = () => {
      clearTimeout(this.#timer);
      this.#controller.abort(cancel(caller.reason));
    };
    if (caller.aborted) {
      this.#onCallerAbort();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#expired = true;
      this.#controller.abort(Errors.deadlineExceeded(ms));
    }, ms);
    caller.addEventListener('abort', this.#onCallerAbort, { once: true });
  }

  /** Whether the time ran out (not the caller leaving) is what fired the signal. */
  get expired(): boolean {
    return this.#expired;
  }

  /** Milliseconds left before the deadline (0 once passed). */
  remainingMs(): number {
    return Math.max(0, this.#end - performance.now());
  }

  /**
   * `work`'s outcome, or the signal's reason as soon as it fires: work that does not heed its signal
   * still ends at the deadline, so that the call answers and what waits on it (a half-open breaker's
   * probe) does not wait forever.
   */
  race<T>(work: Promise<T>): Promise<T> {
    const signal = this.signal;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      work.then((value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      }, (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      });
    });
  }

  /** Stops the timer and the watch on the caller (the work is over). */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#caller.removeEventListener('abort', this.#onCallerAbort);
  }
}

/**
 * Runs `work` under a Deadline of `ms` linked to `caller`. Once the deadline's signal has fired, the
 * call rejects with its reason (UMBRAL_ERR_DEADLINE_EXCEEDED, or `cancel`'s for a caller who left)
 * whatever the work rejected with; a caller already gone is refused without running the work.
 */
export async function withDeadline<T>(caller: AbortSignal, ms: number, work: (signal: AbortSignal, deadline: Deadline) => Promise<T>,
  cancel: CancelReason = CANCELLED): Promise<T> {
  const deadline = new Deadline(caller, ms, cancel);
  try {
    deadline.signal.throwIfAborted();
    return await work(deadline.signal, deadline);
  } catch (error) {
    throw deadline.signal.aborted ? deadline.signal.reason : error;
  } finally {
    deadline.dispose();
  }
}
