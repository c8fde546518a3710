import type { Principal } from '../access/principal.js';
import type { LlmEndpoint } from '../backends/backend.js';
import { randomUUID } from 'node:crypto';
import { Errors } from '../errors/catalogue.js';
import type { UmbralError } from '../errors/umbral-error.js';
import { failureOf, sampled, type PredictionObserver } from './prediction-observer.js';
import type { PassThroughRoute } from '../protocol/openai/pass-through.js';
import type { DataPlane, Ticket } from './data-plane.js';
import type { HostedModel, ModelHost } from './model-host.js';
import type { InferenceService, LlmCacheRequest, LlmResult } from './inference-service.js';

/** Who calls and how long they wait. */
export interface LlmCaller {
  readonly principal: Principal | null;
  /** Fires when the client leaves. */
  readonly signal: AbortSignal;
  /** Receives the time spent in the upstream, for `x-umbral-overhead-ms`. */
  readonly timing?: { backendMs: number };
  /** The version (number or alias) asked for, as in a KServe v2 URL; the model's default when absent. */
  readonly version?: string;
  /** The id the answer carries (`x-request-id`), for the prediction log; a fresh one when absent. */
  readonly requestId?: string;
}

export interface LlmPlaneDeps {
  readonly host: Pick<ModelHost, 'list' | 'get'>;
  readonly inference: InferenceService;
  readonly plane: Pick<DataPlane, 'admit'>;
  /** Hears the calls each model's policy samples (`prediction_log`); nothing logged when absent. */
  readonly predictions?: PredictionObserver;
  /** The catalogue error a thrown value stands for (status and code of the record); default: itself, or 500. */
  readonly failureOf?: (error: unknown) => Pick<UmbralError, 'status' | 'code'>;
}

/**
 * A stream that has started: its chunks (the upstream's SSE payloads), what answered, and `done()`,
 * which the transport calls once the stream has ended, however it ended (idempotent).
 */
export type StartedStream = LlmResult<AsyncIterable<Record<string, unknown>>> & { done(): void };

type Body = Readonly<Record<string, unknown>>;

/**
 * The one front of the data plane for OpenAI-compatible calls: the routes parse, call this, and
 * encode. The model comes from the body, so the model's allow-list, admission by queueing time and
 * its per-caller limits are applied here, then the deadline (`limits.timeout_ms`, else
 * `server.requestTimeoutMs`), the response cache and the fallback chain, as for tensors.
 */
export class LlmPlane {
  constructor(private readonly deps: LlmPlaneDeps) {}

  /** A chat completion; cached when the request fixes its answer (temperature 0) or the policy says always. */
  chat(model: string, body: Body, caller: LlmCaller): Promise<LlmResult<Record<string, unknown>>> {
    const cache = { kind: 'chat', body, deterministic: body.temperature === 0 };
    return this.#call(model, caller, (llm, signal) => llm.chat(body, signal), cache, { route: 'chat', body });
  }

  /** Embeddings: a function of their input, always cacheable. */
  embeddings(model: string, body: Body, caller: LlmCaller): Promise<LlmResult<Record<string, unknown>>> {
    return this.#call(model, caller, (llm, signal) => llm.embeddings(body, signal), { kind: 'embeddings', body, deterministic: true }, { route: 'embeddings', body });
  }

  /**
   * A streamed chat completion, resolved once the upstream has started answering. The request's
   * slot is held until the stream ends, however it ends.
   */
  chatStream(model: string, body: Body, caller: LlmCaller): Promise<StartedStream> {
    return this.#stream(model, caller, (llm, signal) => llm.chatStream(body, signal), { route: 'chat', body });
  }

  /**
   * A passed-through route (`completions`, `responses`), cached like chat when deterministic
   * (`temperature: 0`, or the policy says always). A response the upstream stores (`store` not
   * false, the Responses API's default) is never cached: its id names one stored response.
   */
  passThrough(route: PassThroughRoute, model: string, body: Body, caller: LlmCaller): Promise<LlmResult<Record<string, unknown>>> {
    const stateless = route !== 'responses' || body.store === false;
    const cache = stateless ? { kind: route, body, deterministic: body.temperature === 0 } : undefined;
    return this.#call(model, caller, (llm, signal) => llm.passThrough(route, body, signal), cache, { route, body });
  }

  /** A passed-through route, streamed: as `chatStream`. */
  passThroughStream(route: PassThroughRoute, model: string, body: Body, caller: LlmCaller): Promise<StartedStream> {
    return this.#stream(model, caller, (llm, signal) => llm.passThroughStream(route, body, signal), { route, body });
  }

  /** Whether `version` of `model` (its default when absent) is an LLM; throws 404/503 as resolving does. */
  async serves(model: string, version?: string): Promise<boolean> {
    return (await this.deps.inference.resolve(model, version)).loaded.llm !== undefined;
  }

  /** The models this caller may call as LLMs (`/v1/models`). */
  models(principal: Principal | null): HostedModel[] {
    const allowed = principal?.models;
    return this.deps.host.list().filter((model) => servesLlm(model) && (!allowed || allowed.includes(model.plan.name)));
  }

  async #call<T>(model: string, caller: LlmCaller, run: (llm: LlmEndpoint, signal: AbortSignal) => Promise<T>,
    cache: LlmCacheRequest | undefined, logged: Logged): Promise<LlmResult<T>> {
    const ticket = await this.#admit(model, caller);
    const record = this.#recorder(model, caller, logged);
    try {
      const result = await this.deps.inference.llm(model, {
        signal: caller.signal, run: (llm, _served, signal) => run(llm, signal), ...(cache ? { cache } : {}), ...callerOf(caller),
      });
      record?.(result, result.value);
      return result;
    } catch (error) {
      record?.(undefined, null, error);
      throw error;
    } finally {
      ticket.leave();
    }
  }

  async #stream(model: string, caller: LlmCaller, run: (llm: LlmEndpoint, signal: AbortSignal) => Promise<AsyncIterable<Record<string, unknown>>>,
    logged: Logged): Promise<StartedStream> {
    const ticket = await this.#admit(model, caller);
    const record = this.#recorder(model, caller, logged);
    try {
      const started = await this.deps.inference.llm(model, {
        signal: caller.signal, stream: true, run: (llm, _served, signal) => run(llm, signal), ...callerOf(caller),
      });
      // A stream is logged once it has started (its latency: to the first chunk); its chunks are not kept.
      record?.(started, null);
      return { ...started, done: () => ticket.leave() };
    } catch (error) {
      record?.(undefined, null, error);
      ticket.leave();
      throw error;
    }
  }

  /** How this call ends up in the prediction log, when the model's policy samples it (undefined otherwise). */
  #recorder(model: string, caller: LlmCaller, logged: Logged)
    : ((result: LlmResult<unknown> | undefined, answer: unknown, error?: unknown) => void) | undefined {
    const { predictions } = this.deps;
    const plan = predictions && this.deps.host.get(model)?.plan.predictionLog;
    if (!predictions || !sampled(plan, Math.random)) return undefined;
    const started = performance.now();
    const requestId = caller.requestId ?? randomUUID();
    return (result, answer, error) => {
      const failure = error === undefined ? undefined : (this.deps.failureOf ?? failureOf)(error);
      const answeredBy = result?.model ?? model;
      const version = result?.version ?? caller.version ?? '';
      predictions.predicted({
        requestId, model, version: answeredBy === model ? version : `${answeredBy}:${version}`, variant: null,
        endedAt: Date.now(), latencyMs: performance.now() - started, principal: caller.principal?.id ?? null,
        status: failure?.status ?? 200, errorCode: failure?.code ?? null, payload: plan.payload, inputs: null, outputs: null,
        llm: { route: logged.route, request: logged.body, answer },
      });
    };
  }

  /** The model is in the body, so access control saw none: its allow-list is checked here, before anything else. */
  #admit(model: string, caller: LlmCaller): Promise<Ticket> {
    const allowed = caller.principal?.models;
    if (allowed && !allowed.includes(model)) throw Errors.modelNotAllowed(model);
    return this.deps.plane.admit(model, caller.principal);
  }
}

/** What a call logs besides its outcome: its route and request body. */
interface Logged {
  readonly route: string;
  readonly body: Body;
}

function callerOf(caller: LlmCaller): { timing?: { backendMs: number }; caller?: string; version?: string } {
  return {
    ...(caller.timing ? { timing: caller.timing } : {}), ...(caller.principal ? { caller: caller.principal.id } : {}),
    ...(caller.version === undefined ? {} : { version: caller.version }),
  };
}

function servesLlm(model: HostedModel): boolean {
  const state = model.defaultVersion === undefined ? undefined : model.states.get(model.defaultVersion);
  return state?.status === 'ready' && state.version.loaded.llm !== undefined;
}
