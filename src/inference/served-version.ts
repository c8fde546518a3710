import type { LoadedModel } from '../backends/backend.js';
import type { ModelConfig } from '../model/model-config.js';
import type { ModelScheduler } from './batching/model-scheduler.js';
import type { ServedSignature } from './served-signature.js';

/** One loaded model version with everything the data plane needs to call it. */
export interface ServedVersion {
  readonly model: string;
  readonly version: string;
  /** Serving settings (from the version's manifest). */
  readonly config: ModelConfig;
  readonly served: ServedSignature;
  readonly loaded: LoadedModel;
  readonly scheduler: ModelScheduler;
}

/** Where one version of a model stands in this process. */
export type VersionState =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly version: ServedVersion }
  | { readonly status: 'failed'; readonly reason: string };
