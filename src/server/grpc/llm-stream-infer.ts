import type { LlmCaller, LlmPlane } from '../../inference/llm-plane.js';
import { Errors } from '../../errors/catalogue.js';
import type { LlmUsageObserver } from '../../observability/llm-metrics.js';
import { readUsage, type TokenUsage } from '../../protocol/openai/usage.js';
import { decodeGrpcInferRequest, encodeGrpcInferResponse } from '../../protocol/kserve/grpc-codec.js';
import type { GrpcModelInferRequest, GrpcModelInferResponse } from '../../protocol/kserve/grpc-wire-types.js';
import { decodeLlmInferRequest } from '../../protocol/kserve/llm-infer-request.js';
import { chatBodyOf } from '../../protocol/kserve/llm-parameters.js';
import { completionText, deltaText } from '../../protocol/openai/completion-text.js';
import { llmOutcome, observeLlmCall, reportUsage } from '../llm-accounting.js';
import type { RpcContext } from './rpc-types.js';

/** Triton's response parameter that marks the last response of a request on a stream. */
export const FINAL_FLAG = 'triton_final_response';

/** A request's elements are a prompt and a few settings: no more are decoded. */
const LLM_MAX_ELEMENTS = 64;

/** Sends one response on the stream; resolves once the stream can take more. */
export type Send = (response: GrpcModelInferResponse) => Promise<void>;

/**
 * One ModelStreamInfer request to an LLM, answered as Triton's decoupled LLM backends do: each
 * chunk of text as a response (`text_output`, BYTES, the prompt's shape), the last one with
 * `triton_final_response: true`; with the request parameter `triton_enable_empty_final_response`,
 * the text responses are all `false` and an empty response closes the request. `stream: false`
 * (parameter or BOOL input) asks for one response. Goes through the LLM plane like
 * `/v1/chat/completions`: allow-list, admission, per-model limits, fallback; the call stops when
 * `context.signal` fires (the client cancelled the stream).
 */
export async function inferLlm(llm: Pick<LlmPlane, 'chat' | 'chatStream'>, request: GrpcModelInferRequest, context: RpcContext, send: Send,
  observer?: LlmUsageObserver): Promise<void> {
  const model = request.model_name as string;
  const decoded = decodeGrpcInferRequest(request, { maxElements: LLM_MAX_ELEMENTS });
  const ask = decodeLlmInferRequest(decoded);
  const version = request.model_version || undefined;
  const caller: LlmCaller = { principal: context.principal, signal: context.signal, timing: context.timing, requestId: context.requestId, ...(version ? { version } : {}) };
  const emptyFinal = decoded.parameters.triton_enable_empty_final_response === true;
  const body = chatBodyOf(ask.prompt, ask.sampling);
  let served = { model, version: version ?? '' };
  const response = (text: string | undefined, final: boolean) => encodeGrpcInferResponse({
    modelName: served.model, modelVersion: served.version, ...(decoded.id === undefined ? {} : { id: decoded.id }), parameters: { [FINAL_FLAG]: final },
    outputs: text === undefined ? [] : [{ name: 'text_output', datatype: 'BYTES', shape: ask.shape, data: [text] }],
  }, { raw: decoded.raw });

  if (ask.stream === false) {
    const answer = await observeLlmCall(observer, model, false, context.signal, () => llm.chat(model, body, caller));
    reportUsage(observer, answer.model, readUsage(answer.value));
    served = { model: answer.model, version: answer.version };
    context.served = { ...served, ...(answer.cache ? { cache: answer.cache } : {}), ...(answer.fallbackFor ? { fallbackFor: answer.fallbackFor } : {}) };
    const text = completionText(answer.value);
    if (text === undefined) throw Errors.upstreamFailed(answer.model, 'the answer has no choices[0].message.content');
    return send(response(text, true));
  }
  // Usage is asked of the upstream for accounting; the client gets text only.
  const streamBody = { ...body, stream: true, stream_options: { include_usage: true } };
  const started = await observeLlmCall(observer, model, true, context.signal, () => llm.chatStream(model, streamBody, caller));
  let usage: TokenUsage | undefined;
  let outcome = 'ok';
  try {
    served = { model: started.model, version: started.version };
    context.served = { ...served, ...(started.fallbackFor ? { fallbackFor: started.fallbackFor } : {}) };
    const counted = tap(started.value, (chunk) => { usage = readUsage(chunk) ?? usage; });
    await relay(counted, emptyFinal, (text, final) => send(response(text, final)));
  } catch (error) {
    outcome = llmOutcome(error, context.signal);
    throw error;
  } finally {
    started.done();
    observer?.request(started.model, true, outcome);
    reportUsage(observer, started.model, usage);
  }
}

/** The chunks as they come, each shown to `see` first. */
async function* tap<T>(chunks: AsyncIterable<T>, see: (chunk: T) => void): AsyncGenerator<T> {
  for await (const chunk of chunks) {
    see(chunk);
    yield chunk;
  }
}

/** The chunks' text, one response each; the last one held back so that it can carry the final flag. */
async function relay(chunks: AsyncIterable<Record<string, unknown>>, emptyFinal: boolean,
  send: (text: string | undefined, final: boolean) => Promise<void>): Promise<void> {
  let held: string | undefined;
  for await (const chunk of chunks) {
    const text = deltaText(chunk);
    if (text === '') continue;
    if (held !== undefined) await send(held, false);
    held = text;
  }
  if (emptyFinal) {
    if (held !== undefined) await send(held, false);
    return send(undefined, true);
  }
  return send(held ?? '', true);
}
