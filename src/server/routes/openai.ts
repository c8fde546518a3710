import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LlmEndpoint } from '../../backends/backend.js';
import { Errors } from '../../errors/catalogue.js';
import { isUmbralError } from '../../errors/umbral-error.js';
import type { InferenceService, LlmCacheRequest } from '../../inference/inference-service.js';
import type { ModelHost } from '../../inference/model-host.js';
import type { LlmUsageObserver } from '../../observability/llm-metrics.js';
import { parseChatRequest } from '../../protocol/openai/chat-request.js';
import { parseEmbeddingsRequest } from '../../protocol/openai/embeddings-request.js';
import { readUsage, type TokenUsage } from '../../protocol/openai/usage.js';
import { abortOnDisconnect } from '../abort-on-disconnect.js';
import type { Lifecycle } from '../lifecycle.js';
import { renderOpenAiError, streamFailure } from './openai-render-error.js';
import { sseRelay } from './openai-sse.js';

export interface OpenAiRoutesDeps {
  readonly host: Pick<ModelHost, 'list'>;
  /** The data plane: resolves the model and falls back along its chain. */
  readonly inference: Pick<InferenceService, 'llm'>;
  readonly lifecycle: Pick<Lifecycle, 'startedAt'>;
  /** Token usage and outcomes of the calls (umbral_llm_* metrics); none when absent. */
  readonly llmObserver?: LlmUsageObserver;
  /** The server's body limit, for the 413 message. */
  readonly bodyLimitBytes: number;
}

const INFER = { config: { access: 'infer', modelData: true } } as const;

/**
 * The OpenAI-compatible routes: `/v1/chat/completions` (JSON and SSE), `/v1/embeddings` and
 * `/v1/models`, for models served by the openai backend. Errors are rendered in OpenAI's shape.
 * Register with `app.register(openAiRoutes, deps)`: the error handler is scoped to these routes.
 */
export async function openAiRoutes(app: FastifyInstance, deps: OpenAiRoutesDeps): Promise<void> {
  const { host, lifecycle } = deps;
  const observer = deps.llmObserver;
  app.setErrorHandler((error, request, reply) => renderOpenAiError(error, request, reply, deps.bodyLimitBytes));

  app.get('/v1/models', { config: { access: 'authenticated' } }, async (request) => {
    const allowed = request.principal?.models;
    const created = Math.floor(lifecycle.startedAt / 1000);
    const data = host.list()
      .filter((model) => servesLlm(model) && (!allowed || allowed.includes(model.plan.name)))
      .map((model) => ({ id: model.plan.name, object: 'model', created, owned_by: 'umbral' }));
    return { object: 'list', data };
  });

  app.post('/v1/chat/completions', INFER, async (request, reply) => {
    const body = parseChatRequest(request.body);
    const signal = abortOnDisconnect(reply);
    if (body.stream === true) {
      // Usage is always asked of the upstream, for accounting; the client gets it only if it asked too.
      const wantsUsage = body.stream_options?.include_usage === true;
      const upstreamBody = { ...body, stream_options: { ...body.stream_options, include_usage: true } };
      const started = callLlm(body.model, request, signal, (llm) => llm.chatStream(upstreamBody, signal));
      return streamChat(body.model, started, wantsUsage, request, reply, signal);
    }
    // Cached only when the answer is fixed by the request (temperature 0), unless the model's policy says always.
    const cache = { kind: 'chat', body, deterministic: body.temperature === 0 };
    const answer = await observed(body.model, false, signal, () => callLlm(body.model, request, signal, (llm) => llm.chat(body, signal), cache));
    reportAnswer(body.model, request, answer);
    return reply.type('application/json').send(answer);
  });

  app.post('/v1/embeddings', INFER, async (request, reply) => {
    const body = parseEmbeddingsRequest(request.body);
    const signal = abortOnDisconnect(reply);
    // An embedding is a function of its input: always cacheable.
    const cache = { kind: 'embeddings', body, deterministic: true };
    const answer = await observed(body.model, false, signal, () => callLlm(body.model, request, signal, (llm) => llm.embeddings(body, signal), cache));
    reportAnswer(body.model, request, answer);
    return reply.type('application/json').send(answer);
  });

  /**
   * One call on the model's default version (or its fallback) when it is an LLM this caller may use;
   * the log line and the response headers name the version that answered.
   */
  async function callLlm<T>(name: string, request: FastifyRequest, signal: AbortSignal, run: (llm: LlmEndpoint) => Promise<T>,
    cache?: LlmCacheRequest): Promise<T> {
    // Access control saw no model (it is in the body): the allow-list is checked here, before the model is looked up.
    const allowed = request.principal?.models;
    if (allowed && !allowed.includes(name)) throw Errors.modelNotAllowed(name);
    request.served = { model: name };
    const result = await deps.inference.llm(name, {
      signal, timing: (request.timing ??= { backendMs: 0 }), run, caller: request.principal?.id, ...(cache ? { cache } : {}),
    });
    request.served = {
      model: result.model, version: result.version,
      ...(result.fallbackFor ? { fallbackFor: result.fallbackFor } : {}), ...(result.cache ? { cache: result.cache } : {}),
    };
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

  async function streamChat(model: string, started: Promise<AsyncIterable<Record<string, unknown>>>, wantsUsage: boolean,
    request: FastifyRequest, reply: FastifyReply, signal: AbortSignal): Promise<FastifyReply> {
    // Fails before the first byte (retries spent, breaker open, 4xx upstream): a JSON error with its status.
    const payloads = await started.catch((error: unknown) => {
      observer?.request(model, true, outcome(error, signal));
      throw error;
    });
    let usage: TokenUsage | undefined;
    const body = sseRelay(payloads, {
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

function servesLlm(model: ReturnType<ModelHost['list']>[number]): boolean {
  const state = model.defaultVersion === undefined ? undefined : model.states.get(model.defaultVersion);
  return state?.status === 'ready' && state.version.loaded.llm !== undefined;
}
