import { Errors } from '../errors/catalogue.js';
import type { DataPlane } from '../inference/data-plane.js';

/** One model version in Triton's repository index (REST `POST /v2/repository/index`, gRPC `RepositoryIndex`). */
export interface RepositoryEntry {
  readonly name: string;
  readonly version: string;
  readonly state: 'READY' | 'LOADING' | 'UNAVAILABLE';
  readonly reason: string;
}

/** Every model version this process holds, as Triton lists its repository; `readyOnly` keeps the READY ones. */
export function repositoryIndex(models: ReturnType<DataPlane['models']>, readyOnly: boolean): RepositoryEntry[] {
  const entries = models.flatMap((model) => [...model.states].map(([version, state]) => ({
    name: model.plan.name,
    version,
    state: state.status === 'ready' ? 'READY' as const : state.status === 'loading' ? 'LOADING' as const : 'UNAVAILABLE' as const,
    reason: state.status === 'failed' ? state.reason : '',
  })));
  return readyOnly ? entries.filter((entry) => entry.state === 'READY') : entries;
}

/**
 * Triton's per-server load and unload: umbral's registry decides what serves (every replica alike),
 * so they are refused with the way to do it.
 */
export function refuseRepositoryChange(method: string): never {
  throw Errors.notImplemented(method, REGISTRY_DECIDES);
}

/** What to do instead of loading or unloading a model on one server. */
export const REGISTRY_DECIDES = 'what umbral serves follows its registry: upload a version and move its aliases through the admin API (/admin/models), or reload it with POST /admin/models/{model}/reload';
