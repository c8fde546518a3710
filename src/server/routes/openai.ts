import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isUmbralError } from '../../errors/umbral-error.js';
import type { LlmResult } from '../../inference/inference-service.js';
import type { LlmCaller, LlmPlane, StartedStream } from '../../inference/llm-plane.js';
import type { LlmUsageObserver } from '../../observability/llm-metrics.js';
import { parseChatRequest } from '../../protocol/openai/chat-request.js';
import { parseEmbeddingsRequest } from '../../protocol/openai/embeddings-request.js';
import { readUsage, type TokenUsage } from '../../protocol/openai/usage.js';
import { abortOnDisconnect } from '../abort-on-disconnect.js';
import type { Lifecycle } from '../lifecycle.js';
import { renderOpenAiError, streamFailure } from './openai-render-error.js';
import { sseRelay } from './openai-sse.js';

export interface OpenAiRoutesDeps {
  /** The data plane's front for LLM calls: allow-list, admission, limits, deadline, cache, fallback. */
  readonly llm: Pick<LlmPlane, 'chat' | 'chatStream' | 'embeddings' | 'models'>;
  readonly lifecycle: Pick<Lifecycle, 'startedAt'>;
  /** Token usage and outcomes of the calls (umbral_llm_* metrics); none when absent. */
  readonly llmObserver?: LlmUsageObserver;
  /** The server's body limit, for the 413 message. */
  readonly bodyLimitBytes: number;
}

const INFER = { config: { access: 'infer', modelData: true } } as const;

/**
 * The OpenAI-compatible routes: `/v1/chat/completions` (JSON and SSE), `/v1/embeddings` and
 * `/v1/models`, for models served by the openai backend: parse, call the LLM plane, encode. Errors
 * are rendered in OpenAI's shape. Register with `app.register(openAiRoutes, deps)`: the error
 * handler is scoped to these routes.
 */
export async function openAiRoutes(app: FastifyInstance, deps: OpenAiRoutesDeps): Promise<void> {
  const { llm, lifecycle } = deps;
  const observer = deps.llmObserver;
  app.setErrorHandler((error, request, reply) => renderOpenAiError(error, request, reply, deps.bodyLimitBytes));

  app.get('/v1/models', { config: { access: 'authenticated' } }, async (request) => {
    const created = Math.floor(lifecycle.startedAt / 1000);
    const data = llm.models(request.principal).map((model) => ({ id: model.plan.name, object: 'model', created, owned_by: 'umbral' }));
    return { object: 'list', data };
  });

  app.post('/v1/chat/completions', INFER, async (request, reply) => {
    const body = parseChatRequest(request.body);
    const signal = abortOnDisconnect(reply);
    const caller = callerOf(request, signal);
    if (body.stream === true) {
      // Usage is always asked of the upstream, for accounting; the client gets it only if it asked too.
      const wantsUsage = body.stream_options?.include_usage === true;
      const upstreamBody = { ...body, stream_options: { ...body.stream_options, include_usage: true } };
      request.served = { model: body.model };
      return streamChat(body.model, llm.chatStream(body.model, upstreamBody, caller), wantsUsage, request, reply, signal);
    }
    const answer = await observed(body.model, false, signal, () => answered(request, llm.chat(body.model, body, caller)));
    reportAnswer(body.model, request, answer);
    return reply.type('application/json').send(answer);
  });

  app.post('/v1/embeddings', INFER, async (request, reply) => {
    const body = parseEmbeddingsRequest(request.body);
    const signal = abortOnDisconnect(reply);
    const answer = await observed(body.model, false, signal, () => answered(request, llm.embeddings(body.model, body, callerOf(request, signal))));
    reportAnswer(body.model, request, answer);
    return reply.type('application/json').send(answer);
  });

  /** The caller as the plane sees it; the time in the upstream is kept for `x-umbral-overhead-ms`. */
  function callerOf(request: FastifyRequest, signal: AbortSignal): LlmCaller {
    return { principal: request.principal, signal, timing: (request.timing ??= { backendMs: 0 }) };
  }

  /** The answer; the log line and the response headers name the version that gave it. */
  async function answered<T>(request: FastifyRequest, call: Promise<LlmResult<T>>): Promise<T> {
    const result = await call;
    request.served = servedBy(result);
    return result.value;
  }

  async function observed<T>(model: string, stream: boolean, signal: AbortSignal, call: () => Promise<T>): Promise<T> {
    try {
      const result = await call();
      observer?.request(model, stream, 'ok');
      return result;
    } catch (error) {
      observer?.request(model, stream, outcome(error, signal));
      throw error;
    }
  }

  async function streamChat(model: string, starting: Promise<StartedStream>, wantsUsage: boolean,
    request: FastifyRequest, reply: FastifyReply, signal: AbortSignal): Promise<FastifyReply> {
    // Fails before the first byte (retries spent, breaker open, 4xx upstream): a JSON error with its status.
    const started = await starting.catch((error: unknown) => {
      observer?.request(model, true, outcome(error, signal));
      throw error;
    });
    request.served = servedBy(started);
    // The plane holds the request's slot until the stream has ended, however it ends.
    reply.raw.once('close', () => started.done());
    let usage: TokenUsage | undefined;
    const body = sseRelay(started.value, {
      requestId: request.id,
      onPayload: (payload) => {
        usage = readUsage(payload) ?? usage;
        return wantsUsage ? payload : withoutUsage(payload);
      },
      onEnd: (error) => {
        observer?.request(model, true, error === undefined && !signal.aborted ? 'ok' : outcome(error, signal));
        report(model, usage);
      },
      toError: (error) => streamFailure(error, request),
    });
    reply.header('content-type', 'text/event-stream').header('cache-control', 'no-cache').header('x-accel-buffering', 'no');
    return reply.send(body);
  }

  /** Token usage of an answer the upstream produced; a cache hit spent no tokens. */
  function reportAnswer(model: string, request: FastifyRequest, answer: unknown): void {
    if (request.served?.cache !== 'hit') report(model, readUsage(answer));
  }

  function report(model: string, usage: TokenUsage | undefined): void {
    if (usage) observer?.usage(model, usage.promptTokens, usage.completionTokens);
  }
}

/** A chunk as a client that did not ask for usage gets it: the usage-only last chunk dropped, `usage` removed. */
function withoutUsage(payload: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!('usage' in payload)) return payload;
  if (Array.isArray(payload.choices) && payload.choices.length === 0) return undefined;
  const { usage: _usage, ...rest } = payload;
  return rest;
}

function outcome(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return 'cancelled';
  return isUmbralError(error) ? error.code : 'UMBRAL_ERR_INTERNAL';
}

/** What the access log and the response headers say of the version that answered. */
function servedBy(result: LlmResult<unknown>): NonNullable<FastifyRequest['served']> {
  return {
    model: result.model, version: result.version,
    ...(result.fallbackFor ? { fallbackFor: result.fallbackFor } : {}), ...(result.cache ? { cache: result.cache } : {}),
  };
}
