import type { Manifest } from '../model/manifest.js';
import type { Tensor } from '../protocol/tensor.js';
import type { RequestedOutput } from './inference-service.js';
import type { ShadowPlan } from './model-plan.js';

/**
 * One answered request the model's policy mirrors (`traffic.shadow`), as the data plane hands it
 * over: references only, built after the primary answer exists. Whoever runs the shadow sends
 * `inputs` again to `target`, discards that answer and compares it with `outputs`.
 */
export interface ShadowRequest {
  /** The model asked for (whose policy mirrors the request). */
  readonly model: string;
  /** The version that answered the client. */
  readonly version: string;
  /** The policy's target as written (`3`, `alias:challenger`), and the version it resolves to. */
  readonly target: ShadowPlan['target'];
  readonly targetVersion: string;
  /** The client's decoded inputs, parameters and requested outputs, sent again as they were. */
  readonly inputs: readonly Tensor[];
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly requested: readonly RequestedOutput[];
  /** What the client got, and how long the data plane took to produce it. */
  readonly outputs: readonly Tensor[];
  readonly latencyMs: number;
  /** What the answering version's manifest says of its outputs (its task, labels); absent when unknown. */
  readonly manifest?: Pick<Manifest, 'labels' | 'task'>;
  /** The same of the target version; absent when it is not a live version. */
  readonly targetManifest?: Pick<Manifest, 'labels' | 'task'>;
}

/**
 * Hears the answered requests a model's policy mirrors. Called synchronously after the primary
 * answer: it queues (or drops, counted) and returns at once; it never throws and never waits, so
 * that shadow load can neither slow nor fail a client's request.
 */
export interface ShadowObserver {
  mirror(request: ShadowRequest): void;
}

/** Whether one answered request is mirrored: `random() < sampleRate`. No plan never is. O(1), no I/O. */
export function mirrored(plan: ShadowPlan | undefined, random: () => number): plan is ShadowPlan {
  return plan !== undefined && random() < plan.sampleRate;
}
