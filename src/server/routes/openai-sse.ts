import { Readable } from 'node:stream';
import type { UmbralError } from '../../errors/umbral-error.js';
import { openAiError } from '../../protocol/openai/openai-error.js';
import { encodeSseData, encodeSseError, encodeSseEvent, SSE_DONE } from '../../protocol/openai/sse.js';

export interface SseRelayHooks {
  /** Sees every payload before it is sent (usage is read from them): returns what to send, or undefined to skip it. */
  onPayload(payload: Record<string, unknown>): Record<string, unknown> | undefined;
  /** The stream ended, once: completed, abandoned by the client, or failed with `error` (then no [DONE] is sent). */
  onEnd(error: unknown): void;
  /** The catalogue error to report for a failure (logs a hidden 5xx). */
  toError(error: unknown): UmbralError;
  readonly requestId: string;
  /**
   * The Responses API's framing: each payload as an event named by its `type`, and no `[DONE]` (the
   * stream is complete at its last event). Default: chat's, `data:` only, ending with `[DONE]`.
   */
  readonly named?: boolean;
}

/**
 * The SSE body relayed to the client: each payload as an event, then `[DONE]` (unless `named`). The status line was
 * sent as 200 with the first event, so a failure after that is an error event and the end of the
 * stream without `[DONE]`. When the client leaves, the response destroys this stream, which ends
 * the loop and, through the request's signal, the upstream call.
 */
export function sseRelay(payloads: AsyncIterable<Record<string, unknown>>, hooks: SseRelayHooks): Readable {
  async function* events(): AsyncGenerator<string> {
    let failure: unknown;
    try {
      try {
        for await (const payload of payloads) {
          const sent = hooks.onPayload(payload);
          if (sent) yield hooks.named && typeof sent.type === 'string' ? encodeSseEvent(sent.type, sent) : encodeSseData(sent);
        }
      } catch (error) {
        failure = error ?? new Error('stream failed');
      }
      if (failure !== undefined) yield encodeSseError(openAiError(hooks.toError(failure), hooks.requestId));
      else if (!hooks.named) yield SSE_DONE;
    } finally {
      // Also when the client left and the response destroyed this stream mid-way.
      hooks.onEnd(failure);
    }
  }
  return Readable.from(events(), { objectMode: false });
}
