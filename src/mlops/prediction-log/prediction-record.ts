import type { RowPrediction } from '../features/summarize-prediction.js';

/** What a record keeps of the request's tensors (policy `prediction_log.payload`). */
export type PayloadMode = 'full' | 'hash' | 'none';

/**
 * One logged prediction, as it is queued, spilled to disk and written to `umbral_predictions`
 * (migration 0005). JSON-safe: it round-trips through the spill file unchanged.
 */
export interface PredictionRecord {
  /** Made when the request ended; the primary key, so that a replay writes a record once. */
  readonly id: string;
  /** The answer's `x-request-id`: what feedback names. */
  readonly requestId: string;
  readonly model: string;
  /** The version that answered (a number, or a remote model's version). */
  readonly version: string;
  /** The traffic variant that served it, when the model's traffic is split; null otherwise. */
  readonly variant: string | null;
  /** When the request ended, ISO 8601. */
  readonly at: string;
  readonly latencyMs: number;
  /** The caller's principal id (`key:…`, `user:…`); null when access control is off. */
  readonly principal: string | null;
  /** The HTTP status the request ended with (gRPC codes are mapped to their HTTP equivalent). */
  readonly status: number;
  /** The catalogue code of a failure; null on success. */
  readonly errorCode: string | null;
  readonly payload: PayloadMode;
  /** `full`: the input tensors as KServe v2 JSON; `hash`: `{ sha256 }`; `none`: null. */
  readonly inputs: unknown;
  /** As `inputs`, for the outputs; null when the request failed. */
  readonly outputs: unknown;
  /** What live quality compares with a label, per row (manifest `task`); null without a task or outputs. */
  readonly prediction: readonly RowPrediction[] | null;
  /** The drift sample: a few numbers per feature (features/extract-features.ts); null when none. */
  readonly features: Readonly<Record<string, readonly number[]>> | null;
}
