import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Errors } from '../../errors/catalogue.js';
import type { LlmResult } from '../../inference/inference-service.js';
import type { LlmCaller, LlmPlane, StartedStream } from '../../inference/llm-plane.js';
import type { LlmUsageObserver } from '../../observability/llm-metrics.js';
import { parseChatRequest } from '../../protocol/openai/chat-request.js';
import { parseCompletionsRequest } from '../../protocol/openai/completions-request.js';
import { parseEmbeddingsRequest } from '../../protocol/openai/embeddings-request.js';
import type { PassThroughRoute } from '../../protocol/openai/pass-through.js';
import { parseResponsesRequest } from '../../protocol/openai/responses-request.js';
import { readUsage, type TokenUsage } from '../../protocol/openai/usage.js';
import { abortOnDisconnect } from '../abort-on-disconnect.js';
import type { Lifecycle } from '../lifecycle.js';
import { llmOutcome, observeLlmCall, reportUsage } from '../llm-accounting.js';
import { openAiNotFound } from './openai-not-found.js';
import { renderOpenAiError, streamFailure } from './openai-render-error.js';
import { servedBy } from './served-by.js';
import { sseRelay } from './openai-sse.js';

export interface OpenAiRoutesDeps {
  /** The data plane's front for LLM calls: allow-list, admission, limits, deadline, cache, fallback. */
  readonly llm: Pick<LlmPlane, 'chat' | 'chatStream' | 'embeddings' | 'passThrough' | 'passThroughStream' | 'models'>;
  readonly lifecycle: Pick<Lifecycle, 'startedAt'>;
  /** Token usage and outcomes of the calls (umbral_llm_* metrics); none when absent. */
  readonly llmObserver?: LlmUsageObserver;
  /** The server's body limit, for the 413 message. */
  readonly bodyLimitBytes: number;
}

const INFER = { config: { access: 'infer', modelData: true } } as const;
const AUTHENTICATED = { config: { access: 'authenticated' } } as const;

/** How a stream is relayed: whether the client asked for usage, and the Responses API's framing. */
interface StreamShape {
  readonly wantsUsage: boolean;
  readonly named: boolean;
}

/**
 * The OpenAI-compatible routes: `/v1/chat/completions` (JSON and SSE), `/v1/embeddings`,
 * `/v1/completions` and `/v1/responses` (passed through, JSON and SSE), `/v1/models[/{model}]`, for
 * models served by the openai backend: parse, call the LLM plane, encode. Every answer under `/v1`,
 * errors, 404 and 405 included, is in OpenAI's shape. Register with `app.register(openAiRoutes, deps)`:
 * the error and not-found handlers are scoped to these routes.
 */
export async function openAiRoutes(app: FastifyInstance, deps: OpenAiRoutesDeps): Promise<void> {
  const { llm, lifecycle } = deps;
  const observer = deps.llmObserver;
  app.setErrorHandler((error, request, reply) => renderOpenAiError(error, request, reply, deps.bodyLimitBytes));
  await openAiNotFound(app, '/v1');

  const modelObject = (name: string) => ({ id: name, object: 'model', created: Math.floor(lifecycle.startedAt / 1000), owned_by: 'umbral' });

  app.get('/v1/models', AUTHENTICATED, async (request) => {
    return { object: 'list', data: llm.models(request.principal).map((model) => modelObject(model.plan.name)) };
  });

  // As the list: a model the caller may not use is as unknown to it as one that does not exist.
  app.get<{ Params: { model: string } }>('/v1/models/:model', AUTHENTICATED, async (request) => {
    const { model } = request.params;
    if (!llm.models(request.principal).some((hosted) => hosted.plan.name === model)) throw Errors.modelNotFound(model);
    return modelObject(model);
  });

  app.post('/v1/chat/completions', INFER, async (request, reply) => {
    const body = parseChatRequest(request.body);
    const signal = abortOnDisconnect(reply);
    const caller = callerOf(request, signal);
    // The log line names the model even when no answer comes (the client left, the upstream failed).
    request.served = { model: body.model };
    if (body.stream === true) {
      // Usage is always asked of the upstream, for accounting; the client gets it only if it asked too.
      const upstreamBody = { ...body, stream_options: { ...body.stream_options, include_usage: true } };
      const shape = { wantsUsage: body.stream_options?.include_usage === true, named: false };
      return streamAnswer(body.model, llm.chatStream(body.model, upstreamBody, caller), shape, request, reply, signal);
    }
    const answer = await observeLlmCall(observer, body.model, false, signal, () => answered(request, llm.chat(body.model, body, caller)));
    reportAnswer(body.model, request, answer);
    return reply.type('application/json').send(answer);
  });

  app.post('/v1/embeddings', INFER, async (request, reply) => {
    const body = parseEmbeddingsRequest(request.body);
    const signal = abortOnDisconnect(reply);
    const answer = await observeLlmCall(observer, body.model, false, signal, () => answered(request, llm.embeddings(body.model, body, callerOf(request, signal))));
    reportAnswer(body.model, request, answer);
    return reply.type('application/json').send(answer);
  });

  app.post('/v1/completions', INFER, (request, reply) => passThrough('completions', parseCompletionsRequest(request.body), request, reply));
  app.post('/v1/responses', INFER, (request, reply) => passThrough('responses', parseResponsesRequest(request.body), request, reply));

  /**
   * A route passed through to the model's upstream. Completions stream like chat (usage asked of the
   * upstream for accounting); the Responses API reports usage in its last event anyway.
   */
  async function passThrough(route: PassThroughRoute, body: Record<string, unknown> & { model: string; stream?: boolean | null },
    request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const signal = abortOnDisconnect(reply);
    const caller = callerOf(request, signal);
    const { model } = body;
    request.served = { model };
    if (body.stream === true) {
      const options = body.stream_options as { include_usage?: boolean } | null | undefined;
      const chatLike = route === 'completions';
      const upstreamBody = chatLike ? { ...body, stream_options: { ...options, include_usage: true } } : body;
      const shape = { wantsUsage: !chatLike || options?.include_usage === true, named: !chatLike };
      return streamAnswer(model, llm.passThroughStream(route, model, upstreamBody, caller), shape, request, reply, signal);
    }
    const answer = await observeLlmCall(observer, model, false, signal, () => answered(request, llm.passThrough(route, model, body, caller)));
    reportAnswer(model, request, answer);
    return reply.type('application/json').send(answer);
  }

  /** The caller as the plane sees it; the time in the upstream is kept for `x-umbral-overhead-ms`. */
  function callerOf(request: FastifyRequest, signal: AbortSignal): LlmCaller {
    return { principal: request.principal, signal, timing: (request.timing ??= { backendMs: 0 }), requestId: request.id };
  }

  /** The answer; the log line and the response headers name the version that gave it. */
  async function answered<T>(request: FastifyRequest, call: Promise<LlmResult<T>>): Promise<T> {
    const result = await call;
    request.served = servedBy(result);
    return result.value;
  }

  async function streamAnswer(model: string, starting: Promise<StartedStream>, shape: StreamShape,
    request: FastifyRequest, reply: FastifyReply, signal: AbortSignal): Promise<FastifyReply> {
    // Fails before the first byte (retries spent, breaker open, 4xx upstream): a JSON error with its status.
    const started = await observeLlmCall(observer, model, true, signal, () => starting);
    request.served = servedBy(started);
    // The plane holds the request's slot until the stream has ended, however it ends.
    reply.raw.once('close', () => started.done());
    let usage: TokenUsage | undefined;
    const body = sseRelay(started.value, {
      requestId: request.id,
      named: shape.named,
      onPayload: (payload) => {
        usage = readUsage(payload) ?? usage;
        return shape.wantsUsage ? payload : withoutUsage(payload);
      },
      onEnd: (error) => {
        observer?.request(model, true, error === undefined && !signal.aborted ? 'ok' : llmOutcome(error, signal));
        reportUsage(observer, model, usage);
      },
      toError: (error) => streamFailure(error, request),
    });
    reply.header('content-type', 'text/event-stream').header('cache-control', 'no-cache').header('x-accel-buffering', 'no');
    return reply.send(body);
  }

  /** Token usage of an answer the upstream produced; a cache hit spent no tokens. */
  function reportAnswer(model: string, request: FastifyRequest, answer: unknown): void {
    if (request.served?.cache !== 'hit') reportUsage(observer, model, readUsage(answer));
  }
}

/** A chunk as a client that did not ask for usage gets it: the usage-only last chunk dropped, `usage` removed. */
function withoutUsage(payload: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!('usage' in payload)) return payload;
  if (Array.isArray(payload.choices) && payload.choices.length === 0) return undefined;
  const { usage: _usage, ...rest } = payload;
  return rest;
}
