import { Errors } from '../errors/catalogue.js';
import { isUmbralError, type UmbralError } from '../errors/umbral-error.js';
import type { Manifest } from '../model/manifest.js';
import type { Tensor } from '../protocol/tensor.js';
import type { PredictionLogPlan } from './model-plan.js';

/**
 * One inference that ended (a tensor request, or an OpenAI-compatible call), as the data plane hands
 * it to the prediction log. Built on the
 * request path, so it only holds references: the tensors are encoded, hashed and summarised later,
 * off the request path (src/mlops/prediction-log/).
 */
export interface PredictionEvent {
  /** The answer's `x-request-id` (HTTP) or the call's request id (gRPC trailer `x-request-id`). */
  readonly requestId: string;
  /** The model asked for (whose policy sampled the request). */
  readonly model: string;
  /** The version that answered (`model:version` when a fallback model answered); the one asked for, or `''`, when it failed before one resolved. */
  readonly version: string;
  /** The traffic variant that served it when the model's traffic is split; null otherwise. */
  readonly variant: string | null;
  /** When the request ended (`Date.now()`). */
  readonly endedAt: number;
  readonly latencyMs: number;
  /** The caller's principal id; null when access control is off. */
  readonly principal: string | null;
  /** The HTTP status the request ended with (gRPC answers carry the same status before it is mapped). */
  readonly status: number;
  /** The catalogue code of a failure; null on success. */
  readonly errorCode: string | null;
  /** What the policy keeps of the tensors. */
  readonly payload: PredictionLogPlan['payload'];
  /** The decoded inputs; null when the body could not be decoded, or for an OpenAI-compatible call. */
  readonly inputs: readonly Tensor[] | null;
  /** The outputs as answered; null when the request failed, or for an OpenAI-compatible call. */
  readonly outputs: readonly Tensor[] | null;
  /**
   * An OpenAI-compatible call instead of tensors: its route (`chat`, `embeddings`, `completions`,
   * `responses`), the request body and the answer (null for a stream, whose chunks are not kept, and
   * for a failure).
   */
  readonly llm?: { readonly route: string; readonly request: unknown; readonly answer: unknown };
  /** What the answering version's manifest says of its outputs (for the prediction summary); absent when unknown. */
  readonly manifest?: Pick<Manifest, 'labels' | 'task'>;
}

/**
 * Hears the tensor inferences the model's policy samples (`prediction_log`). Called synchronously
 * at the end of each sampled request, success or failure: it queues and returns, never throws and
 * never waits on I/O (the data plane does not depend on whoever listens).
 */
export interface PredictionObserver {
  predicted(event: PredictionEvent): void;
}

/**
 * Whether one request to a model with `plan` is logged: `random() < sampleRate`. No plan (the model's
 * policy has no `prediction_log` section) is never logged. O(1), no I/O.
 */
export function sampled(plan: PredictionLogPlan | undefined, random: () => number): plan is PredictionLogPlan {
  return plan !== undefined && plan.sampleRate > 0 && random() < plan.sampleRate;
}

/** The status and code a record of a failed call carries: a catalogue error's own, or 500 for anything else. */
export function failureOf(error: unknown): Pick<UmbralError, 'status' | 'code'> {
  return isUmbralError(error) ? error : Errors.internal(String(error));
}
