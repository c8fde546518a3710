import type { Principal } from '../access/principal.js';
import type { RateLimiter } from '../access/rate-limit/rate-limiter.js';
import { Errors } from '../errors/catalogue.js';
import type { UmbralError } from '../errors/umbral-error.js';
import type { DecodedInferRequest, DecodeLimits } from '../protocol/kserve/decode-infer-request.js';
import type { Datatype } from '../protocol/kserve/datatypes.js';
import type { Admission } from './admission/admission.js';
import type { InferenceService, InferResult, RequestedOutput } from './inference-service.js';
import { describeConfiguration, type ModelConfiguration } from './model-configuration.js';
import type { ModelHost } from './model-host.js';
import type { ModelPlan, PredictionLogPlan, ShadowPlan } from './model-plan.js';
import { failureOf, sampled, type PredictionEvent, type PredictionObserver } from './prediction-observer.js';
import type { ServedVersion } from './served-version.js';
import { mirrored, type ShadowObserver } from './shadow-observer.js';
import type { ModelStatistics, VersionStatistics } from './statistics/model-statistics.js';
import { keyInBody, overriddenVariant, stickyKey, variantFor, type RequestHeaders } from './traffic/choose-variant.js';
import type { TrafficObserver, TrafficOutcome } from './traffic/traffic-observer.js';
import type { TrafficPlan, TrafficVariant } from './traffic/traffic-plan.js';

/** What a model says of itself (KServe v2 model metadata, before encoding). */
export interface ModelMetadata {
  readonly name: string;
  readonly versions: readonly string[];
  readonly platform: string;
  readonly inputs: ReadonlyArray<{ readonly name: string; readonly datatype: Datatype; readonly shape: readonly number[] }>;
  readonly outputs: ReadonlyArray<{ readonly name: string; readonly datatype: Datatype; readonly shape: readonly number[] }>;
}

/** A request let in: headers the answer carries (RateLimit-*), and the slot to give back when it ends. */
export interface Ticket {
  readonly headers: Readonly<Record<string, string>>;
  /** Idempotent. */
  leave(): void;
}

/** One inference as a transport hands it over: who asks, and how to decode its body within the model's limits. */
export interface InferCallRequest<D extends DecodedInferRequest> {
  readonly model: string;
  /** A version number or alias; the default version when absent. */
  readonly version?: string;
  /** The id the answer carries (`x-request-id`): what a prediction log record and feedback name. */
  readonly requestId: string;
  readonly principal: Principal | null;
  /** Fires when the client leaves. */
  readonly signal: AbortSignal;
  /** Receives the time spent in backends, for `x-umbral-overhead-ms`. */
  readonly timing?: { backendMs: number };
  /** Decodes the protocol's body with the model's element limit (throws the protocol's errors). */
  decode(limits: DecodeLimits): D;
  /**
   * The request's headers (HTTP headers or gRPC metadata), read only for a model whose traffic is
   * split: the sticky key's header and the operator's `x-umbral-variant`.
   */
  readonly headers?: RequestHeaders;
  /** Told which version resolved, before the body is decoded (for the access log of a request that fails). */
  onResolved?(model: string, version: string): void;
  /** False: never handed to the prediction log, whatever the policy samples (an evaluation's rows are not production traffic). */
  readonly logged?: boolean;
}

/** What one inference answered, and the traffic variant that served it when the model's traffic is split. */
export interface InferAnswer<D extends DecodedInferRequest> {
  readonly decoded: D;
  readonly result: InferResult;
  readonly variant?: string;
}

export interface DataPlaneDeps {
  readonly host: ModelHost;
  readonly inference: InferenceService;
  readonly admission: Pick<Admission, 'admit'>;
  /** Per-caller limits of models (policy `rate_limit`); none applied when absent (access control off has none either). */
  readonly rateLimits?: Pick<RateLimiter, 'admitOnModel'>;
  /** Elements one input may hold where the model's policy sets no limit (`limits.maxElements`). */
  readonly maxElements: number;
  /** What the versions did (fed by the data plane's observers); none kept when absent. */
  readonly statistics?: Pick<ModelStatistics, 'of' | 'versionsOf'>;
  /** Hears the requests each model's policy samples (`prediction_log`); nothing logged when absent. */
  readonly predictions?: PredictionObserver;
  /** Hears the answered requests each model's policy mirrors (`traffic.shadow`); nothing mirrored when absent. */
  readonly shadow?: ShadowObserver;
  /** Draws the sampling decision, and the variant of a split request without a sticky key (default Math.random). */
  readonly random?: () => number;
  /** Hears how each request a split assigned ended (per-variant metrics); none when absent. */
  readonly traffic?: TrafficObserver;
  /** The catalogue error a thrown value stands for (a codec's ProtocolError is the client's 4xx); default: itself, or 500. */
  readonly failureOf?: (error: unknown) => Pick<UmbralError, 'status' | 'code'>;
}

/** What a sampled request got to before it ended, for its record. */
interface Progress {
  served?: ServedVersion;
  decoded?: DecodedInferRequest;
  variant?: string;
}

const NO_HEADERS = Object.freeze({});

/**
 * The one front of the data plane for every tensor protocol (KServe v2 REST and gRPC): transports
 * decode, call this, and encode. Per-model admission by queueing time, per-model rate limits,
 * element limits, the deadline, the response cache and the fallback chain are applied here, once.
 */
export class DataPlane {
  constructor(private readonly deps: DataPlaneDeps) {}

  /**
   * Lets a request for `model` in, before its body is read: admission by queueing time, then the
   * caller's limits on this model. Throws 503 UMBRAL_ERR_OVERLOADED or 429 UMBRAL_ERR_RATE_LIMITED.
   */
  async admit(model: string, principal: Principal | null): Promise<Ticket> {
    const queued = this.deps.admission.admit(model);
    try {
      const limits = this.deps.host.get(model)?.plan.limits;
      const decision = limits && principal && this.deps.rateLimits ? await this.deps.rateLimits.admitOnModel(principal, model, limits) : undefined;
      return {
        headers: decision?.headers ?? NO_HEADERS,
        leave: () => {
          queued.leave();
          decision?.release();
        },
      };
    } catch (error) {
      queued.leave();
      throw error;
    }
  }

  /**
   * Resolves, decodes with the model's limits, and runs the request (cache, deadline, fallback). A
   * request that names no version to a model whose traffic is split goes to the variant its split
   * chooses. A request the model's policy samples ends with one call to the prediction observer,
   * success or failure; one its policy mirrors, once answered, with one call to the shadow observer,
   * which queues it and returns. The others pay one map lookup and a random draw per section.
   */
  async infer<D extends DecodedInferRequest>(call: InferCallRequest<D>): Promise<InferAnswer<D>> {
    const plan = this.deps.host.get(call.model)?.plan;
    // An evaluation's rows (logged: false) are neither logged nor mirrored: they are not traffic.
    const observed = call.logged === false ? undefined : plan;
    const random = this.deps.random ?? Math.random;
    const logged = this.deps.predictions && observed?.predictionLog;
    const shadow = this.deps.shadow && observed?.shadow;
    const log = sampled(logged, random) ? logged : undefined;
    const mirror = mirrored(shadow, random) ? shadow : undefined;
    if (!log && !mirror) return this.#route(call, plan, {});
    const started = performance.now();
    const progress: Progress = {};
    try {
      const answer = await this.#route(call, plan, progress);
      if (mirror) this.#mirror(call, mirror, answer, performance.now() - started);
      if (log) this.#predicted(call, log, progress, started, answer.result, undefined);
      return answer;
    } catch (error) {
      if (log) this.#predicted(call, log, progress, started, undefined, error);
      throw error;
    }
  }

  /** A request naming a version, or to a model without a split, runs as it is: nothing of the split is read. */
  #route<D extends DecodedInferRequest>(call: InferCallRequest<D>, plan: ModelPlan | undefined, progress: Progress): Promise<InferAnswer<D>> {
    const traffic = call.version === undefined ? plan?.traffic : undefined;
    return traffic === undefined ? this.#infer(call, plan, progress, call.version, undefined) : this.#split(call, plan, traffic, progress);
  }

  /**
   * One request of a split: the operator's override, else the variant its sticky key (or a random
   * draw) chooses; its end is told to the traffic observer. A key read from the body decodes the
   * body first.
   */
  async #split<D extends DecodedInferRequest>(call: InferCallRequest<D>, plan: ModelPlan | undefined, traffic: TrafficPlan,
    progress: Progress): Promise<InferAnswer<D>> {
    let decoded: D | undefined;
    let variant: TrafficVariant | undefined = overriddenVariant(call.model, traffic, call.headers, call.principal);
    if (variant === undefined) {
      if (keyInBody(traffic)) decoded = this.#decode(call, plan, progress);
      variant = variantFor(traffic, stickyKey(traffic, call.headers, decoded), this.deps.random ?? Math.random);
    }
    progress.variant = variant.name;
    const started = performance.now();
    let outcome: TrafficOutcome = 'error';
    try {
      const answer = await this.#infer(call, plan, progress, variant.target, decoded);
      outcome = 'ok';
      return { ...answer, variant: variant.name };
    } catch (error) {
      if ((this.deps.failureOf ?? failureOf)(error).status < 500) outcome = 'client_error';
      throw error;
    } finally {
      this.deps.traffic?.served(call.model, variant.name, outcome, (performance.now() - started) / 1000);
    }
  }

  async #infer<D extends DecodedInferRequest>(call: InferCallRequest<D>, plan: ModelPlan | undefined, progress: Progress,
    version: string | undefined, predecoded: D | undefined): Promise<InferAnswer<D>> {
    // An unknown or broken model answers 404/503 whatever the body, as Triton does: resolve first.
    const served = await this.deps.inference.resolve(call.model, version);
    progress.served = served;
    call.onResolved?.(served.model, served.version);
    const decodeStarted = performance.now();
    const decoded = predecoded ?? this.#decode(call, plan, progress);
    const decodeMs = performance.now() - decodeStarted;
    const outputs: RequestedOutput[] = decoded.outputs.map((output) => ({ name: output.name, classification: output.parameters.classification }));
    const result = await this.deps.inference.infer(served, {
      inputs: decoded.inputs, outputs, signal: call.signal, parameters: decoded.parameters, decodeMs,
      ...(call.timing ? { timing: call.timing } : {}), ...(call.principal ? { caller: call.principal.id } : {}),
    });
    return { decoded, result };
  }

  #decode<D extends DecodedInferRequest>(call: InferCallRequest<D>, plan: ModelPlan | undefined, progress: Progress): D {
    const decoded = call.decode({ maxElements: plan?.serving?.maxElements ?? this.deps.maxElements });
    progress.decoded = decoded;
    return decoded;
  }

  /** Hands a sampled request to the prediction observer: references only, the log encodes them later. */
  #predicted(call: InferCallRequest<DecodedInferRequest>, plan: PredictionLogPlan, progress: Progress, started: number,
    result: InferResult | undefined, error: unknown): void {
    const answeredBy = result?.model ?? progress.served?.model ?? call.model;
    const version = result?.version ?? progress.served?.version ?? call.version ?? '';
    const failure = error === undefined ? undefined : (this.deps.failureOf ?? failureOf)(error);
    this.deps.predictions?.predicted({
      requestId: call.requestId, model: call.model, version: answeredBy === call.model ? version : `${answeredBy}:${version}`, variant: progress.variant ?? null,
      endedAt: Date.now(), latencyMs: performance.now() - started, principal: call.principal?.id ?? null,
      status: failure?.status ?? 200, errorCode: failure?.code ?? null, payload: plan.payload,
      inputs: progress.decoded?.inputs ?? null, outputs: result?.outputs ?? null,
      ...this.#manifestOf(answeredBy, version),
    });
  }

  /**
   * Hands an answered request to the shadow observer (references only; it queues and returns). Not
   * mirrored: an answer a fallback model gave, and one the target version gave itself.
   */
  #mirror(call: InferCallRequest<DecodedInferRequest>, plan: ShadowPlan, answer: { decoded: DecodedInferRequest; result: InferResult },
    latencyMs: number): void {
    const { decoded, result } = answer;
    if (result.model !== call.model || result.version === plan.version) return;
    const target = this.#manifestOf(call.model, plan.version).manifest;
    this.deps.shadow?.mirror({
      model: call.model, version: result.version, target: plan.target, targetVersion: plan.version,
      inputs: decoded.inputs, parameters: decoded.parameters, outputs: result.outputs, latencyMs,
      requested: decoded.outputs.map((output) => ({ name: output.name, classification: output.parameters.classification })),
      ...this.#manifestOf(result.model, result.version),
      ...(target ? { targetManifest: target } : {}),
    });
  }

  #manifestOf(model: string, version: string): { manifest?: PredictionEvent['manifest'] } {
    const manifest = this.deps.host.get(model)?.plan.versions.find((v) => v.version === version)?.manifest;
    return manifest ? { manifest } : {};
  }

  /** The model's metadata (its serving version's signature, or `version`'s). */
  async metadata(model: string, version?: string): Promise<ModelMetadata> {
    const { signature } = (await this.deps.host.resolve(model, version)).served;
    const versions = this.deps.host.get(model)?.plan.versions.map((v) => v.version) ?? [];
    return { name: model, versions, ...signature };
  }

  /** How the model's serving version (or `version`) is served: Triton's model configuration, before encoding. */
  async config(model: string, version?: string): Promise<ModelConfiguration> {
    const served = await this.deps.host.resolve(model, version);
    const plan = this.deps.host.get(model)?.plan;
    return describeConfiguration(served, { versions: plan?.versions.map((v) => v.version) ?? [], cached: plan?.cache !== undefined });
  }

  /**
   * Cumulative statistics of every version of every model held (no `model`), of one model's
   * versions, or of one version (a number or an alias). Versions listed: those loaded and those with
   * statistics. Throws 404 for an unknown model or version.
   */
  statistics(model?: string, version?: string): VersionStatistics[] {
    const { host, statistics } = this.deps;
    if (!statistics) return [];
    if (model === undefined) return host.list().flatMap((hosted) => this.statistics(hosted.plan.name));
    const hosted = host.get(model);
    if (!hosted) throw Errors.modelNotFound(model);
    if (version !== undefined) {
      const resolved = hosted.aliases.get(version) ?? version;
      const known = hosted.plan.versions.some((v) => v.version === resolved) || statistics.versionsOf(model).includes(resolved);
      if (!known) throw /^\d+$/.test(version) ? Errors.versionNotFound(model, version) : Errors.aliasNotFound(model, version);
      return [statistics.of(model, resolved)];
    }
    const loaded = [...hosted.states].filter(([, state]) => state.status === 'ready').map(([v]) => v);
    const versions = [...new Set([...loaded, ...statistics.versionsOf(model)])].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
    return versions.map((v) => statistics.of(model, v));
  }

  /** Whether the model (or `version`) serves: not ready is an answer with its cause; unknown throws 404. */
  async ready(model: string, version?: string): Promise<{ ready: true } | { ready: false; error: string }> {
    try {
      await this.deps.host.resolve(model, version);
      return { ready: true };
    } catch (error) {
      if ((error as UmbralError).status !== 503) throw error;
      return { ready: false, error: (error as Error).message };
    }
  }

  /** The versions of `model` this process holds (Triton's repository index). */
  models(): ReturnType<ModelHost['list']> {
    return this.deps.host.list();
  }
}

/** For routes that must name a model: 400 with what to send. */
export function requiredModel(value: string | undefined, field: string): string {
  if (!value) throw Errors.invalidRequest(field, 'must name a model');
  return value;
}
