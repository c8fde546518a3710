import { Errors } from '../../errors/catalogue.js';
import { endsStream, type PassThroughRoute } from '../../protocol/openai/pass-through.js';
import { isUpstreamError } from '../../resilience/upstream-error.js';
import type { UpstreamGroup } from '../../resilience/upstream-group.js';
import type { LlmEndpoint } from '../backend.js';
import { openStream, type LiveStream } from './open-stream.js';
import type { OpenAiClient } from './openai-client.js';
import { keepingRefusal } from './openai-refusal.js';

type Json = Record<string, unknown>;

export interface OpenAiLlmSettings {
  /** The umbral model name (errors, metrics). */
  readonly model: string;
  /** The name the upstream knows the model by; written into every body. */
  readonly upstreamModel: string;
  /** Whether `/v1/embeddings` is served; otherwise such calls are refused with a 400. */
  readonly embeddings: boolean;
}

/**
 * The OpenAI-compatible calls of one model version, each through the server group (balancing,
 * retries before an answer began, breakers, deadline), with `model` rewritten to the upstream's name.
 * An upstream's 4xx refusal is kept for the client (openai-refusal.ts).
 */
export function openAiLlm(group: UpstreamGroup<OpenAiClient>, settings: OpenAiLlmSettings): LlmEndpoint {
  const { model, upstreamModel } = settings;
  const rewrite = (body: Readonly<Json>): Json => ({ ...body, model: upstreamModel });
  const call = <T>(signal: AbortSignal, attempt: (client: OpenAiClient, signal: AbortSignal) => Promise<T>): Promise<T> => {
    signal.throwIfAborted();
    return keepingRefusal((run) => group.call((client, attemptSignal) => run(attempt(client, attemptSignal)), { signal }));
  };
  const stream = async (signal: AbortSignal, start: (client: OpenAiClient, signal: AbortSignal) => Promise<AsyncIterable<Json>>) => {
    const live = await call(signal, (client, attempt) => openStream((s) => start(client, s), attempt, signal));
    return catalogued(live, model, signal);
  };
  return {
    chat: (body, signal) => call(signal, (client, attempt) => client.chat(rewrite(body), attempt)),
    chatStream: (body, signal) => stream(signal, (client, s) => client.chatStream(rewrite(body), s)),
    embeddings(body, signal) {
      if (!settings.embeddings) {
        return Promise.reject(Errors.invalidRequest('model', `model ${model} does not serve embeddings (its model.yaml does not set openai.embeddings: true)`));
      }
      return call(signal, (client, attempt) => client.embeddings(rewrite(body), attempt));
    },
    passThrough: (route, body, signal) => call(signal, (client, attempt) => client.post(`/${route}`, rewrite(body), attempt)),
    passThroughStream: (route: PassThroughRoute, body, signal) =>
      stream(signal, (client, s) => client.stream(`/${route}`, rewrite(body), s, (payload) => endsStream(route, payload))),
  };
}

/**
 * The payloads of a started stream, its failures turned into catalogue errors: once the answer has
 * begun nothing is retried, so a break is UMBRAL_ERR_UPSTREAM_FAILED (502) with our own description,
 * never the upstream's text. The caller's abort passes as its reason.
 */
async function* catalogued(live: LiveStream, model: string, signal: AbortSignal): AsyncGenerator<Json> {
  try {
    yield* live.payloads;
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (isUpstreamError(error)) throw Errors.upstreamFailed(model, `the answer stream broke off (${error.message})`);
    throw error;
  } finally {
    live.detach();
  }
}
