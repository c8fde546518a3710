import type { Limits } from '../access/principal.js';
import type { CachePolicy } from '../cache/cache-policy.js';
import type { Manifest } from '../model/manifest.js';
import type { TrafficPlan } from './traffic/traffic-plan.js';

export type { TrafficPlan } from './traffic/traffic-plan.js';

/** One registered version the host may serve. */
export interface PlannedVersion {
  readonly version: string;
  readonly artifactPath: string;
  readonly manifest: Manifest;
}

/**
 * What the registry says a model should serve: its live versions, its aliases and the default
 * version (`champion`, else the latest). The host loads what the plan needs and swaps to it.
 */
export interface ModelPlan {
  readonly name: string;
  /** Server readiness waits for this model (policy `required`, default true). */
  readonly required: boolean;
  /** Why the model cannot serve at all (a broken model.yaml, an artifact that cannot be imported). */
  readonly problem?: string;
  /** Live versions, highest first. */
  readonly versions: readonly PlannedVersion[];
  /** Alias → version. */
  readonly aliases: Readonly<Record<string, string>>;
  /** The version `/v2/models/{m}` serves. */
  readonly defaultVersion: string | undefined;
  /** Per-caller rate limits of this model (policy `rate_limit`). */
  readonly limits?: Limits;
  /** Models (`name` or `name:version`) that answer, in order, when this one cannot (policy `fallback`). */
  readonly fallback?: readonly string[];
  /** How this model's responses are cached (policy `cache`); undefined = not cached. */
  readonly cache?: CachePolicy;
  /** This model's own deadline and element limit (policy `limits`), in place of the server's. */
  readonly serving?: ServingLimits;
  /** A remote model's servers as its policy lists them, in place of those its version was registered with. */
  readonly servers?: readonly string[];
  /** Which requests the prediction log keeps, and what of them (policy `prediction_log`); undefined = none. */
  readonly predictionLog?: PredictionLogPlan;
  /** Which answered requests are mirrored to another version and compared (policy `traffic.shadow`); undefined = none. */
  readonly shadow?: ShadowPlan;
  /** How requests that name no version are shared between variants (policy `traffic.split`); undefined = the default version serves. */
  readonly traffic?: TrafficPlan;
}

/** Policy `traffic.shadow` as the data plane applies it per request. */
export interface ShadowPlan {
  /** The target as the policy writes it (`3`, `alias:challenger`): what metrics and the admin API name. */
  readonly target: string;
  /** The version it resolves to when the plan was built; the alias name when the alias points nowhere (each mirror then fails, counted). */
  readonly version: string;
  /** Share of answered requests mirrored, 0..1 (a plan is only made when it is above 0). */
  readonly sampleRate: number;
}

/** Policy `prediction_log` as the data plane applies it per request. */
export interface PredictionLogPlan {
  /** Share of requests logged, 0..1 (1 when the section names none). */
  readonly sampleRate: number;
  /** What a record keeps of the tensors: `full` (default), `hash` or `none`. */
  readonly payload: 'full' | 'hash' | 'none';
}

/** Per-model request limits (policy `limits`); an absent field is the server's setting. */
export interface ServingLimits {
  /** Deadline of one request, queueing and fallbacks included. */
  readonly timeoutMs?: number;
  /** Most elements one input tensor may hold. */
  readonly maxElements?: number;
}
