import type { Deadline } from '@grpc/grpc-js';

/** The parts of a server call, unary or streaming, that say when its work is no longer wanted. */
interface WatchedCall {
  getDeadline(): Deadline;
  readonly cancelled: boolean;
  once(event: 'cancelled', listener: () => void): unknown;
  off(event: 'cancelled', listener: () => void): unknown;
}

/** A call's cancellation, as the data plane takes it. */
export interface CallSignal {
  /** Fires when the client cancels the call, or when the client's deadline passes. */
  readonly signal: AbortSignal;
  /** The client's deadline in ms from the start of the call, when it is shorter than the server's own. */
  readonly deadlineMs: number | undefined;
  /** Whether the client's deadline is what fired the signal. */
  deadlineExpired(): boolean;
  /** Stops watching (the call has ended). */
  dispose(): void;
}

/**
 * The signal of one call. The client's deadline (grpc-timeout) replaces the server's
 * `requestTimeoutMs` when it is shorter, so that no work goes on for an answer nobody waits for;
 * grpc-js answers DEADLINE_EXCEEDED to the client by itself at that moment.
 */
export function callSignal(call: WatchedCall, requestTimeoutMs: number): CallSignal {
  const controller = new AbortController();
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  const remaining = at - Date.now();
  const deadlineMs = remaining < requestTimeoutMs ? Math.max(0, Math.round(remaining)) : undefined;
  let expired = false;
  const expire = () => {
    expired = true;
    controller.abort(new Error('the client deadline passed'));
  };
  const timer = deadlineMs === undefined ? undefined : setTimeout(expire, deadlineMs);
  // grpc-js ends a call whose deadline passed with its own timer, which may fire before ours and
  // reports it as a cancellation: past the deadline (a timer's millisecond of slack), it is one.
  const onCancel = () => (deadlineMs !== undefined && Date.now() >= at - 2 ? expire()
    : controller.abort(new Error('the client cancelled the call')));
  if (call.cancelled) onCancel();
  else call.once('cancelled', onCancel);
  return {
    signal: controller.signal,
    deadlineMs,
    deadlineExpired: () => expired,
    dispose: () => {
      clearTimeout(timer);
      call.off('cancelled', onCancel);
    },
  };
}
