import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Errors } from '../../errors/catalogue.js';
import type { UmbralError } from '../../errors/umbral-error.js';
import type { LlmCaller, LlmPlane, StartedStream } from '../../inference/llm-plane.js';
import type { LlmUsageObserver } from '../../observability/llm-metrics.js';
import { decodeGenerateRequest, type GenerateRequest } from '../../protocol/kserve/generate-request.js';
import { chatBodyOf } from '../../protocol/kserve/llm-parameters.js';
import { completionText, deltaText } from '../../protocol/openai/completion-text.js';
import { encodeSseData } from '../../protocol/openai/sse.js';
import { readUsage, type TokenUsage } from '../../protocol/openai/usage.js';
import { abortOnDisconnect } from '../abort-on-disconnect.js';
import { observeLlmCall, reportUsage } from '../llm-accounting.js';
import { streamFailure } from './openai-render-error.js';
import { servedBy } from './served-by.js';

export interface GenerateRoutesDeps {
  /** The data plane's front for LLM calls: allow-list, admission, per-model limits, deadline, cache, fallback. */
  readonly llm: Pick<LlmPlane, 'chat' | 'chatStream'>;
  /** Token usage and outcomes (umbral_llm_* metrics), shared with the OpenAI routes; none when absent. */
  readonly llmObserver?: LlmUsageObserver;
}

interface ModelParams { model: string; version?: string }

const INFER_DATA = { config: { access: 'infer', modelData: true } } as const;

/**
 * Triton's generate extension for models served by the openai backend: `…/generate` answers one
 * JSON object, `…/generate_stream` one SSE `data:` event per chunk of text. Both go through the LLM
 * plane like `/v1/chat/completions`; errors before the first byte are the KServe JSON error with its
 * status, a failure after it is a `data: {"error": …}` event that ends the stream, as Triton sends.
 * https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_generate.md
 */
export async function kserveGenerateRoutes(app: FastifyInstance, deps: GenerateRoutesDeps): Promise<void> {
  const { llm } = deps;
  const observer = deps.llmObserver;

  for (const prefix of ['/v2/models/:model', '/v2/models/:model/versions/:version']) {
    app.post<{ Params: ModelParams }>(`${prefix}/generate`, INFER_DATA, async (request, reply) => {
      const generate = decodeGenerateRequest(request.body);
      const signal = abortOnDisconnect(reply);
      const model = request.params.model;
      const answer = await observeLlmCall(observer, model, false, signal, () => llm.chat(model, chatBodyOf(generate.textInput, generate.sampling), callerOf(request, signal)));
      request.served = servedBy(answer);
      const text = completionText(answer.value);
      if (text === undefined) throw Errors.upstreamFailed(answer.model, 'the answer has no choices[0].message.content');
      if (answer.cache !== 'hit') reportUsage(observer, model, readUsage(answer.value));
      return reply.type('application/json').send({ model_name: answer.model, model_version: answer.version, text_output: text });
    });

    app.post<{ Params: ModelParams }>(`${prefix}/generate_stream`, INFER_DATA, async (request, reply) => {
      const generate = decodeGenerateRequest(request.body);
      const signal = abortOnDisconnect(reply);
      request.served = { model: request.params.model };
      return stream(request, reply, generate, signal);
    });
  }

  /** The caller as the plane sees it; the time in the upstream is kept for `x-umbral-overhead-ms`. */
  function callerOf(request: FastifyRequest<{ Params: ModelParams }>, signal: AbortSignal): LlmCaller {
    const { version } = request.params;
    return { principal: request.principal, signal, timing: (request.timing ??= { backendMs: 0 }), requestId: request.id, ...(version === undefined ? {} : { version }) };
  }

  async function stream(request: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply, generate: GenerateRequest, signal: AbortSignal): Promise<FastifyReply> {
    const model = request.params.model;
    // Usage is asked of the upstream for accounting; the client gets text only.
    const body = { ...chatBodyOf(generate.textInput, generate.sampling), stream: true, stream_options: { include_usage: true } };
    // Fails before the first byte (unknown model, not an LLM, retries spent): a JSON error with its status.
    const started = await observeLlmCall(observer, model, true, signal, () => llm.chatStream(model, body, callerOf(request, signal)));
    request.served = servedBy(started);
    reply.raw.once('close', () => started.done());
    reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-cache').header('x-accel-buffering', 'no');
    return reply.send(Readable.from(events(started, request, signal), { objectMode: false }));
  }

  /** Each chunk's text as an event; a failure as an error event that ends the stream. */
  async function* events(started: StartedStream, request: FastifyRequest, signal: AbortSignal): AsyncGenerator<string> {
    const head = { model_name: started.model, model_version: started.version };
    let usage: TokenUsage | undefined;
    let failure: UmbralError | undefined;
    try {
      try {
        for await (const payload of started.value) {
          usage = readUsage(payload) ?? usage;
          const text = deltaText(payload);
          if (text !== '') yield encodeSseData({ ...head, text_output: text });
        }
      } catch (error) {
        // A client that left is the access log's 499, not a failure of the stream.
        if (!signal.aborted) failure = streamFailure(error ?? new Error('stream failed'), request);
      }
      if (failure !== undefined) yield encodeSseData({ error: exposedMessage(failure, request.id) });
    } finally {
      // Also when the client left and the response destroyed this stream mid-way.
      observer?.request(started.model, true, signal.aborted ? 'cancelled' : failure?.code ?? 'ok');
      reportUsage(observer, started.model, usage);
    }
  }
}

function exposedMessage(error: UmbralError, requestId: string): string {
  return error.exposed ? error.message : `internal error; quote request id ${requestId} to the operator`;
}
