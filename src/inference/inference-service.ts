import type { LlmEndpoint } from '../backends/backend.js';
import { jsonRequestKey, tensorRequestKey, type KeyScope } from '../cache/cache-key.js';
import type { CachePolicy } from '../cache/cache-policy.js';
import type { AnswerCodec, CacheStatus, ResponseCache } from '../cache/response-cache.js';
import { decodeTensorAnswer, encodeTensorAnswer } from '../cache/tensor-answer-codec.js';
import { Errors } from '../errors/catalogue.js';
import { isUmbralError, type UmbralError } from '../errors/umbral-error.js';
import type { Metrics } from '../observability/metrics.js';
import type { Tensor } from '../protocol/tensor.js';
import { withDeadline } from '../resilience/deadline.js';
import { classify } from './classification.js';
import type { InferenceObserver } from './inference-observer.js';
import type { ModelHost } from './model-host.js';
import type { ServedVersion } from './served-version.js';
import { validateRequest } from './validate-request.js';

/** An output the caller asks for, with Triton's classification extension (top-k labels). */
export interface RequestedOutput {
  readonly name: string;
  /**
   * Triton's `classification` parameter as the client sent it: return the top k classes as
   * "value:index[:label]" strings instead of the tensor. Checked by `classify` (a positive integer).
   */
  readonly classification?: string | number | boolean;
}

/** One inference call, protocol-agnostic, for a version `resolve` returned. */
export interface InferCall {
  readonly inputs: readonly Tensor[];
  /** Outputs to return; all when empty. */
  readonly outputs: readonly RequestedOutput[];
  /** Fires when the client goes away. */
  readonly signal: AbortSignal;
  /**
   * Receives the time spent in backends (the model run, or the upstream call with its retries),
   * fallbacks included, so that the protocol layer can report umbral's own share of the latency.
   */
  readonly timing?: { backendMs: number };
  /** The request's own `parameters`: they are part of its cache key. */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** Who asks (the principal's id): the cache namespace of a model whose cache scope is `caller`. */
  readonly caller?: string;
  /** Milliseconds the transport spent decoding the request's tensors (statistics' compute_input). */
  readonly decodeMs?: number;
  /**
   * A shadow copy of a request (policy `traffic.shadow`): answered by this version alone, never from
   * the response cache or by a fallback model, since its answer is compared with the client's.
   */
  readonly shadow?: boolean;
}

/** One OpenAI-compatible call through the data plane. */
export interface LlmCall<T> {
  readonly signal: AbortSignal;
  readonly timing?: { backendMs: number };
  /**
   * The call itself, on the LLM endpoint of the version that serves (the model's, or a fallback's),
   * with the signal to heed: the request's deadline and its client's leaving.
   */
  run(llm: LlmEndpoint, served: ServedVersion, signal: AbortSignal): Promise<T>;
  /** A stream: its start is bounded by the model's own upstream deadline, and it lives as long as its client (no request deadline). */
  readonly stream?: boolean;
  /** What makes the answer cacheable; absent = never cached (a stream). */
  readonly cache?: LlmCacheRequest;
  /** Who asks, as in `InferCall.caller`. */
  readonly caller?: string;
  /** The version (number or alias) asked for; the model's default when absent. */
  readonly version?: string;
}

/** An LLM request as the response cache sees it. */
export interface LlmCacheRequest {
  /** `chat` or `embeddings`: part of the key. */
  readonly kind: string;
  /** The whole request body: its canonical JSON is the key. */
  readonly body: unknown;
  /** The request fixes its answer (`temperature: 0`, or embeddings); otherwise only `cache.llm: always` caches it. */
  readonly deterministic: boolean;
}

export interface LlmResult<T> {
  readonly value: T;
  /** The model and version that answered (a fallback's when the requested model could not). */
  readonly model: string;
  readonly version: string;
  readonly fallbackFor?: string;
  /** hit or miss when the model's responses are cached; undefined when they are not. */
  readonly cache?: CacheStatus;
}

export interface InferResult {
  /** The model and version that answered: a fallback's when the requested model could not. */
  readonly model: string;
  readonly version: string;
  readonly outputs: readonly Tensor[];
  /** Rows in the run that served this request, after dynamic batching. */
  readonly batchSize: number;
  /** The model that was asked for, when a fallback answered instead (model.yaml `fallback`). */
  readonly fallbackFor?: string;
  /** hit or miss when the model's responses are cached; undefined when they are not. */
  readonly cache?: CacheStatus;
}

/** Cached tensor answers: what the version that served returned, never a fallback's. */
const TENSOR_CODEC: AnswerCodec<InferResult> = { encode: encodeTensorAnswer, decode: decodeTensorAnswer };
/** Cached LLM answers: the OpenAI JSON with the model and version that produced it. */
const JSON_CODEC: AnswerCodec<unknown> = { encode: (value) => JSON.stringify(value), decode: (text) => JSON.parse(text) as unknown };

/**
 * The data plane's engine, behind its fronts (DataPlane for tensors, LlmPlane for OpenAI calls), in
 * two steps. `resolve` picks the version (404/503 before the body is even decoded, as Triton
 * answers); `infer` checks the request against that version's signature, schedules it under one
 * deadline for the request and its fallbacks, and post-processes the outputs. It throws catalogue
 * errors; transports render them.
 */
export class InferenceService {
  constructor(
    private readonly host: ModelHost,
    private readonly metrics: Metrics,
    /** The deadline of a request to a model whose policy sets none (`server.requestTimeoutMs`). */
    private readonly requestTimeoutMs: number,
    /** The response cache; models without a `cache` policy never use it. */
    private readonly cache?: ResponseCache,
    /** Hears how each tensor request ends (statistics). */
    private readonly observer?: InferenceObserver,
  ) {}

  /** The deadline of one request to `model`: its policy's `limits.timeout_ms`, else the server's. */
  timeoutOf(model: string): number {
    return this.host.get(model)?.plan.serving?.timeoutMs ?? this.requestTimeoutMs;
  }

  /**
   * The version that serves `model`: `version` is a number or an alias name; when absent, the
   * model's default version (champion, else latest).
   */
  resolve(model: string, version?: string): Promise<ServedVersion> {
    return this.host.resolve(model, version);
  }

  /**
   * Runs the request on `served`; when that fails for a reason another model may not share (its
   * servers down or breakers open, queue full, deadline, a failed run) and the model has a fallback
   * chain, the request goes to each fallback in turn. A request the client got wrong (4xx) or gave up
   * on is never sent elsewhere; if every fallback fails too, the primary's error is thrown. A model
   * with a cache policy answers from the response cache when it holds the request's answer; a miss
   * stores the answer unless a fallback produced it.
   */
  async infer(served: ServedVersion, call: InferCall): Promise<InferResult> {
    const policy = this.#policyOf(served.model);
    // One deadline over the whole request: the model's run and, when it fails, its fallbacks.
    const compute = () => withDeadline(call.signal, this.timeoutOf(served.model), (signal) => this.#inferOrFallBack(served, { ...call, signal }));
    if (!policy || !this.cache || call.shadow) return compute();
    const key = tensorRequestKey(scopeOf(served, policy, call.caller), {
      inputs: call.inputs, parameters: call.parameters,
      outputs: call.outputs.map((o) => ({ name: o.name, parameters: o.classification === undefined ? {} : { classification: o.classification } })),
    });
    if (!this.observer) return this.#cached(this.cache, served, policy, key, call.signal, TENSOR_CODEC, compute);
    return this.#observedCache(this.observer, served, compute, (timed) => this.#cached(this.cache as ResponseCache, served, policy, key, call.signal, TENSOR_CODEC, timed));
  }

  /** A cached request, timed for statistics: the cache's share is the whole less the computation's. */
  async #observedCache(observer: InferenceObserver, served: ServedVersion, compute: () => Promise<InferResult>,
    through: (compute: () => Promise<InferResult>) => Promise<InferResult>): Promise<InferResult> {
    const started = performance.now();
    let computeMs = 0;
    const result = await through(async () => {
      const computeStarted = performance.now();
      try {
        return await compute();
      } finally {
        computeMs = performance.now() - computeStarted;
      }
    });
    if (result.cache !== undefined) {
      observer.cacheAnswered({ model: served.model, version: served.version, hit: result.cache !== 'miss', ms: performance.now() - started - computeMs });
    }
    return result;
  }

  async #inferOrFallBack(served: ServedVersion, call: InferCall): Promise<InferResult> {
    if (call.shadow) return this.#infer(served, call);
    try {
      return await this.#infer(served, call);
    } catch (error) {
      // Only a failure pays for the fallback machinery: the hot path is one await.
      const { value, fallbackFor } = await this.#fallBack(served, call.signal, error, (target) => this.#infer(target, call));
      return { ...value, fallbackFor };
    }
  }

  /**
   * An OpenAI-compatible call (chat, a stream's start, embeddings) on model `name`'s default version (or `call.version`),
   * with the same fallback chain as `infer` (a fallback must be an LLM too). A model that is not an
   * LLM is the caller's mistake (400). The time in `run` counts as backend time. A call that carries
   * `cache` is answered from the response cache when the model's policy allows (deterministic, or
   * `llm: always`).
   */
  async llm<T>(name: string, call: LlmCall<T>): Promise<LlmResult<T>> {
    const served = await this.resolve(name, call.version);
    const policy = this.#policyOf(served.model);
    const request = call.cache;
    const compute = () => (call.stream ? this.#llm(served, call, call.signal)
      : withDeadline(call.signal, this.timeoutOf(served.model), (signal) => this.#llm(served, call, signal)));
    if (!policy || !this.cache || !request || !(request.deterministic || policy.llm === 'always')) return compute();
    const key = jsonRequestKey(scopeOf(served, policy, call.caller), request.kind, request.body);
    return this.#cached(this.cache, served, policy, key, call.signal, JSON_CODEC as AnswerCodec<LlmResult<T>>, compute);
  }

  /**
   * `compute`'s answer through the response cache: a fallback's answer is never stored (it would be
   * served as the primary's), and a stale entry may stand in for the failures a fallback could.
   */
  async #cached<R extends { readonly fallbackFor?: string; readonly cache?: CacheStatus }>(cache: ResponseCache, served: ServedVersion,
    policy: CachePolicy, key: string, signal: AbortSignal, codec: AnswerCodec<R>, compute: () => Promise<R>): Promise<R> {
    const ref = { model: served.model, key, ttlMs: policy.ttlMs, staleIfErrorMs: policy.staleIfErrorMs, staleOn: worthFallingBack };
    const { value, status } = await cache.through(ref, signal, codec, async () => {
      const result = await compute();
      return { value: result, storable: result.fallbackFor === undefined };
    });
    return { ...value, cache: status };
  }

  async #llm<T>(served: ServedVersion, call: LlmCall<T>, signal: AbortSignal): Promise<LlmResult<T>> {
    const { value, served: answered, fallbackFor } = await this.#withFallback(served, signal, async (target) => {
      const llm = target.loaded.llm;
      if (!llm) {
        throw Errors.invalidRequest('model', `model ${target.model} is not an LLM (its backend is ${target.config.backend}); `
          + `call it with POST /v2/models/${target.model}/infer`);
      }
      const started = performance.now();
      try {
        return await call.run(llm, target, signal);
      } finally {
        if (call.timing) call.timing.backendMs += performance.now() - started;
      }
    });
    return { value, model: answered.model, version: answered.version, ...(fallbackFor === undefined ? {} : { fallbackFor }) };
  }

  #policyOf(model: string): CachePolicy | undefined {
    return this.host.get(model)?.plan.cache;
  }

  async #withFallback<T>(served: ServedVersion, signal: AbortSignal, run: (target: ServedVersion) => Promise<T>)
    : Promise<{ value: T; served: ServedVersion; fallbackFor?: string }> {
    try {
      return { value: await run(served), served };
    } catch (error) {
      return this.#fallBack(served, signal, error, run);
    }
  }

  /** After `served` failed with `error`: each model of its fallback chain in turn, or `error` again. */
  async #fallBack<T>(served: ServedVersion, signal: AbortSignal, error: unknown, run: (target: ServedVersion) => Promise<T>)
    : Promise<{ value: T; served: ServedVersion; fallbackFor: string }> {
    const chain = this.host.get(served.model)?.plan.fallback ?? [];
    if (chain.length === 0 || signal.aborted || !worthFallingBack(error)) throw error;
    for (const ref of chain) {
      const [model, version] = ref.split(':') as [string, string | undefined];
      try {
        const target = await this.host.resolve(model, version);
        const value = await run(target);
        this.metrics.fallbacks.inc({ model: served.model, fallback: model });
        return { value, served: target, fallbackFor: served.model };
      } catch {
        if (signal.aborted) break;
      }
    }
    throw error;
  }

  async #infer(served: ServedVersion, call: InferCall): Promise<InferResult> {
    const labels = { model: served.model, version: served.version };
    const started = performance.now();
    let ok = false;
    let result: Awaited<ReturnType<ServedVersion['scheduler']['infer']>> | undefined;
    let inputMs = call.decodeMs ?? 0;
    let outputMs = 0;
    try {
      const outputNames = call.outputs.map((o) => o.name);
      validateRequest(served.model, served.served.signature, served.config.max_batch_size, call.inputs, outputNames, served.loaded.textOnlyBytes);
      const scheduled = performance.now();
      inputMs += scheduled - started;
      try {
        result = await served.scheduler.infer({ inputs: call.inputs, outputs: outputNames, parameters: call.parameters ?? {} }, call.signal);
      } catch (error) {
        // A failed call's time is the upstream's (a remote model queues nothing) or a run's.
        if (call.timing) call.timing.backendMs += performance.now() - scheduled;
        throw error;
      }
      if (call.timing) call.timing.backendMs += result.computeMs;
      const answered = performance.now();
      const response = result.response;
      const outputs = response.outputs.map((tensor) => {
        const k = call.outputs.find((o) => o.name === tensor.name)?.classification;
        return k === undefined ? tensor
          : classify(tensor, k, served.served.labels.get(tensor.name), batchedOutput(served, tensor.name));
      });
      outputMs = performance.now() - answered;
      this.metrics.requestSuccess.inc(labels);
      this.metrics.queueDuration.observe(labels, result.queueMs / 1000);
      ok = true;
      return { model: served.model, version: served.version, outputs, batchSize: result.batchSize };
    } catch (error) {
      const reason = isUmbralError(error) ? (error as UmbralError).code : 'UMBRAL_ERR_BACKEND_FAILED';
      this.metrics.requestFailure.inc({ ...labels, reason });
      throw isUmbralError(error) ? error : Errors.backendFailed(served.model, String(error));
    } finally {
      const durationMs = performance.now() - started;
      this.metrics.requestDuration.observe(labels, durationMs / 1000);
      this.observer?.requestEnded({
        model: served.model, version: served.version, ok, durationMs: durationMs + (call.decodeMs ?? 0), inputMs, outputMs,
        queueMs: result?.queueMs ?? 0, inferMs: result?.computeMs ?? 0,
      });
    }
  }
}

/**
 * Whether an output's first dimension is the batch (for classification, which then ranks each row).
 * A model umbral batches says so with max_batch_size > 0. A remote model batches on its own server,
 * whose config umbral does not see (its model.yaml usually leaves max_batch_size at 0): there an
 * output whose metadata has a variable first dimension and at least one more is taken as batched, so
 * that a model answers [rows, k] whether it is served here or through a remote server.
 */
function batchedOutput(served: ServedVersion, output: string): boolean {
  if (served.config.max_batch_size > 0) return true;
  if (served.loaded.upstream === undefined) return false;
  const shape = served.served.signature.outputs.find((spec) => spec.name === output)?.shape;
  return shape !== undefined && shape.length > 1 && shape[0] === -1;
}

/** The caller's cache namespace: one for everybody unless the model's policy keeps callers apart. */
function scopeOf(served: ServedVersion, policy: CachePolicy, caller: string | undefined): KeyScope {
  return { model: served.model, version: served.version, namespace: policy.scope === 'shared' ? '*' : (caller ?? 'anonymous') };
}


/** Failures of the model or its servers, not of the request: another model may well answer. */
const FALLBACK_CODES: ReadonlySet<string> = new Set([
  Errors.upstreamUnavailable.code, Errors.circuitOpen.code, Errors.upstreamFailed.code, Errors.upstreamRateLimited.code,
  Errors.modelNotReady.code, Errors.queueFull.code, Errors.overloaded.code, Errors.deadlineExceeded.code, Errors.backendFailed.code,
]);

function worthFallingBack(error: unknown): boolean {
  return !isUmbralError(error) || FALLBACK_CODES.has(error.code);
}
