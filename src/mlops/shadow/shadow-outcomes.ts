import type { ShadowRequest } from '../../inference/shadow-observer.js';
import type { Comparison } from './compare-answers.js';

/** How one mirrored request ended: what the shadow runner reports (to statistics, to metrics). */
export type ShadowOutcome = 'agreed' | 'disagreed' | 'failed' | 'dropped';

/** Hears how each mirrored request ended. Implementations only count: they never throw, never wait. */
export interface ShadowOutcomes {
  /** The queue was full (or the runner closing): the request was never sent to the target. */
  dropped(request: ShadowRequest): void;
  /** The target could not answer (unknown, not loaded, refused the inputs, failed or timed out): the catalogue code and message. */
  failed(request: ShadowRequest, failure: { readonly code: string; readonly message: string }): void;
  /** The target answered in `shadowMs`; its answer compared with the client's. */
  compared(request: ShadowRequest, comparison: Comparison, shadowMs: number): void;
}
