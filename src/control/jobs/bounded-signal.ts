/** A signal that fires with `outer` or after `timeoutMs`, whichever comes first. */
export interface BoundedSignal {
  readonly signal: AbortSignal;
  /** Why it fired, as an error to report (a timeout names `what` and the limit); undefined while it has not. */
  reason(): Error | undefined;
  /** Stops the timer and the listener on `outer`. */
  dispose(): void;
}

export function boundedSignal(outer: AbortSignal, timeoutMs: number, what: string): BoundedSignal {
  const controller = new AbortController();
  let reason: Error | undefined;
  const fire = (error: Error) => {
    reason ??= error;
    controller.abort(error);
  };
  const onAbort = () => fire(new Error('stopped: the server is shutting down'));
  const timer = setTimeout(() => fire(new Error(`${what} took longer than ${timeoutMs} ms (jobs.commandTimeoutMs)`)), timeoutMs);
  timer.unref();
  if (outer.aborted) onAbort();
  else outer.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    reason: () => reason,
    dispose: () => {
      clearTimeout(timer);
      outer.removeEventListener('abort', onAbort);
    },
  };
}
