type Json = Record<string, unknown>;

/** A stream that has started, and how to stop following the caller's signal once it is over. */
export interface LiveStream {
  readonly payloads: AsyncIterable<Json>;
  /** Stops forwarding the caller's signal to the stream. */
  detach(): void;
}

/**
 * Starts a stream (`start` with the stream's own signal) inside one attempt of the server group. The attempt's signal (the group's
 * deadline, the caller) governs only until the server's 200 arrives: once the group has its
 * result, the stream outlives the attempt and only the caller's signal ends it early (a long
 * generation is not cut by the deadline meant for time to first byte; the client's body timeout
 * still breaks a stream that goes silent).
 */
export async function openStream(start: (signal: AbortSignal) => Promise<AsyncIterable<Json>>, attempt: AbortSignal,
  caller: AbortSignal): Promise<LiveStream> {
  const controller = new AbortController();
  const stopAttempt = forward(attempt, controller);
  const detach = forward(caller, controller);
  try {
    return { payloads: await start(controller.signal), detach };
  } catch (error) {
    detach();
    throw error;
  } finally {
    stopAttempt();
  }
}

function forward(source: AbortSignal, target: AbortController): () => void {
  const abort = () => target.abort(source.reason);
  if (source.aborted) abort();
  else source.addEventListener('abort', abort, { once: true });
  return () => source.removeEventListener('abort', abort);
}
