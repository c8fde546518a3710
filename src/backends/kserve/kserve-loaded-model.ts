import type { Parameters } from '../../protocol/kserve/wire-types.js';
import type { UpstreamGroup } from '../../resilience/upstream-group.js';
import type { BackendInferRequest, BackendInferResponse, LoadedModel, ModelSignature, RepositoryControl } from '../backend.js';
import type { KserveClient, RemoteModel } from './kserve-client.js';
import { kserveRepository } from './kserve-repository.js';

/** The scheduler must not hold requests back from a remote server: its own queue is what binds. */
const CONCURRENCY = 256;

/** One version of a model served by remote Open Inference Protocol servers. */
export class KserveLoadedModel implements LoadedModel {
  readonly concurrency = CONCURRENCY;
  readonly warmUp = false;
  readonly upstream: UpstreamGroup<KserveClient> & { readonly repository: RepositoryControl };

  constructor(
    model: string,
    private readonly remote: RemoteModel,
    readonly signature: ModelSignature,
    group: UpstreamGroup<KserveClient>,
    /** Closes the group (and stops the backend tracking it). */
    readonly release: () => Promise<void>,
  ) {
    this.upstream = Object.assign(group, { repository: kserveRepository(model, () => group.clients()) });
  }

  async infer(request: BackendInferRequest, signal: AbortSignal): Promise<BackendInferResponse> {
    signal.throwIfAborted();
    const remote = { inputs: request.inputs, outputs: request.outputs, parameters: request.parameters as Parameters | undefined };
    const outputs = await this.upstream.call(
      (client, attemptSignal, deadline) => client.infer(this.remote, remote, attemptSignal, deadline), { signal });
    return { outputs };
  }
}
