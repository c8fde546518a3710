import { Errors } from '../../errors/catalogue.js';
import { isDatatype } from '../../protocol/kserve/datatypes.js';
import type { ModelMetadataResponse } from '../../protocol/kserve/wire-types.js';
import { UpstreamGroup } from '../../resilience/upstream-group.js';
import type { UpstreamObserver } from '../../resilience/upstream-observer.js';
import type { Backend, LoadedModel, LoadRequest, ModelSignature, TensorSpec } from '../backend.js';
import { readRemoteArtifact } from '../read-remote-artifact.js';
import type { KserveClient, RemoteModel } from './kserve-client.js';
import { kserveDescriptorSchema, serverAddressProblem, type KserveDescriptor } from './kserve-descriptor.js';
import { KserveGrpcClient } from './kserve-grpc-client.js';
import { KserveHttpClient } from './kserve-http-client.js';
import { KserveLoadedModel } from './kserve-loaded-model.js';

/** What the kserve backend takes of the backends' options. */
export interface KserveBackendOptions {
  readonly upstreamObserver?: UpstreamObserver;
  /** Largest tensor an answer may hold (elements), as for requests. */
  readonly maxElements?: number;
}

const DEFAULT_MAX_ELEMENTS = 16_777_216;

/**
 * Serves models from Open Inference Protocol servers (Triton, KServe, another umbral) over REST or
 * gRPC. A version's artifact is a JSON descriptor; loading it makes one server group and asks the
 * servers for the model's metadata (its signature), through the group's retries.
 */
export class KserveBackend implements Backend {
  readonly kind = 'kserve' as const;
  readonly #live = new Set<UpstreamGroup<KserveClient>>();

  constructor(private readonly options: KserveBackendOptions = {}) {}

  async load(request: LoadRequest): Promise<LoadedModel> {
    const { model, artifactPath } = request;
    const { descriptor, policy } = await readRemoteArtifact(model, artifactPath, 'kserve', kserveDescriptorSchema);
    const remote: RemoteModel = { name: descriptor.model ?? model, ...(descriptor.version ? { version: descriptor.version } : {}) };
    const group = new UpstreamGroup<KserveClient>({
      name: model, servers: descriptor.servers, policy,
      connect: (url) => connect(descriptor, url, this.options.maxElements ?? DEFAULT_MAX_ELEMENTS),
      disconnect: (client) => client.close(),
      healthCheck: (client, signal) => client.ready(remote, signal),
      ...(this.options.upstreamObserver ? { observer: this.options.upstreamObserver } : {}),
    });
    try {
      const metadata = await group.call((client, signal) => client.metadata(remote, signal), { signal: AbortSignal.timeout(policy.timeoutMs) });
      const signature = toSignature(model, metadata);
      this.#live.add(group);
      return new KserveLoadedModel(model, remote, signature, group, () => this.#live.delete(group));
    } catch (error) {
      await group.close();
      throw Errors.modelLoadFailed(model, `its metadata could not be read from ${descriptor.servers.join(', ')}: ${(error as Error).message}`);
    }
  }

  /** Closes the groups of versions not released (a shutdown that skipped a release must not leak sockets). */
  async close(): Promise<void> {
    const groups = [...this.#live];
    this.#live.clear();
    await Promise.all(groups.map((group) => group.close()));
  }
}

function connect(descriptor: KserveDescriptor, url: string, maxElements: number): KserveClient {
  const problem = serverAddressProblem(descriptor.protocol, url);
  if (problem) throw new Error(`${problem} (this model speaks ${descriptor.protocol})`);
  return descriptor.protocol === 'grpc'
    ? new KserveGrpcClient(url, descriptor.headers, maxElements)
    : new KserveHttpClient(url, descriptor.headers, maxElements);
}

/** The signature the servers report; a datatype umbral does not know fails the load. */
function toSignature(model: string, metadata: ModelMetadataResponse): ModelSignature {
  const specs = (tensors: ModelMetadataResponse['inputs'] | undefined, what: string): TensorSpec[] => (tensors ?? []).map((t) => {
    if (!isDatatype(t.datatype)) throw Errors.modelLoadFailed(model, `${what} '${t.name}' has datatype '${t.datatype}', which umbral does not know`);
    return { name: t.name, datatype: t.datatype, shape: t.shape.map(Number) };
  });
  const inputs = specs(metadata.inputs, 'input');
  const outputs = specs(metadata.outputs, 'output');
  if (inputs.length === 0 || outputs.length === 0) throw Errors.modelLoadFailed(model, 'the servers report no inputs or no outputs');
  return { platform: metadata.platform || 'kserve', inputs, outputs };
}
