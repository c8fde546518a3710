import { DONE, sseDataPayloads } from '../../protocol/openai/sse.js';
import { UpstreamError } from '../../resilience/upstream-error.js';
import { toUpstreamError } from '../http-failure.js';

/** The body of a streamed answer: bytes, and a way to stop receiving them. */
export interface StreamBody extends AsyncIterable<Uint8Array | string> {
  destroy(error?: Error): void;
}

/**
 * The JSON payloads of an OpenAI event stream, until `[DONE]` (or the payload `isLast` says ends
 * it, for streams that send no `[DONE]`). Throws an UpstreamError when the
 * stream ends without `[DONE]` (a cut answer must never look finished), when the socket breaks, when
 * a payload is not a JSON object, or when the server reports an error inside the stream; the
 * signal's reason when it fires. Leaving the loop early closes the body.
 */
export async function* readEventStream(body: StreamBody, signal: AbortSignal,
  isLast?: (payload: Record<string, unknown>) => boolean): AsyncGenerator<Record<string, unknown>> {
  let done = false;
  try {
    for await (const data of sseDataPayloads(body)) {
      // After [DONE] the body is read to its end, so that its connection goes back to the pool.
      if (done) continue;
      if (data === DONE) {
        done = true;
        continue;
      }
      const payload = parsePayload(data);
      // A stream without [DONE] (the Responses API's) is complete at its last event; the rest is read out.
      if (isLast?.(payload)) done = true;
      yield payload;
    }
  } catch (error) {
    if (!done) throw toUpstreamError(error, signal);
  } finally {
    // The consumer left early, or the stream failed: nothing more is read.
    if (!done) body.destroy();
  }
  if (done) return;
  if (signal.aborted) throw signal.reason;
  throw new UpstreamError('upstream stream ended without [DONE]', 'protocol');
}

function parsePayload(data: string): Record<string, unknown> {
  let payload: unknown;
  try {
    payload = JSON.parse(data);
  } catch {
    throw new UpstreamError('upstream stream event is not JSON', 'protocol');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new UpstreamError('upstream stream event is not a JSON object', 'protocol');
  }
  const error = (payload as { error?: unknown }).error;
  if (error !== undefined && error !== null) {
    const message = typeof error === 'object' ? (error as { message?: unknown }).message : error;
    throw new UpstreamError('upstream reported an error inside the stream', 'protocol',
      typeof message === 'string' ? { upstreamMessage: message.slice(0, 500) } : {});
  }
  return payload as Record<string, unknown>;
}
