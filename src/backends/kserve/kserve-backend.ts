import { Errors } from '../../errors/catalogue.js';
import { isDatatype } from '../../protocol/kserve/datatypes.js';
import type { ModelMetadataResponse } from '../../protocol/kserve/wire-types.js';
import type { UpstreamObserver } from '../../resilience/upstream-observer.js';
import type { ModelSignature, TensorSpec } from '../backend.js';
import { RemoteBackend, type RemoteKind } from '../remote-backend.js';
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
export class KserveBackend extends RemoteBackend<KserveDescriptor, KserveClient> {
  constructor(options: KserveBackendOptions = {}) {
    super(kserve(options.maxElements ?? DEFAULT_MAX_ELEMENTS), options.upstreamObserver);
  }
}

function kserve(maxElements: number): RemoteKind<KserveDescriptor, KserveClient> {
  return {
    kind: 'kserve',
    descriptorSchema: kserveDescriptorSchema,
    endpoint: ({ model, descriptor, policy }) => {
      const remote: RemoteModel = { name: descriptor.model ?? model, ...(descriptor.version ? { version: descriptor.version } : {}) };
      return {
        servers: descriptor.servers,
        connect: (url) => connect(descriptor, url, maxElements),
        healthCheck: (client, signal) => client.ready(remote, signal),
        async open(group, release) {
          let signature: ModelSignature;
          try {
            const metadata = await group.call((client, signal) => client.metadata(remote, signal), { signal: AbortSignal.timeout(policy.timeoutMs) });
            signature = toSignature(model, metadata);
          } catch (error) {
            throw Errors.modelLoadFailed(model, `its metadata could not be read from ${descriptor.servers.join(', ')}: ${(error as Error).message}`);
          }
          return new KserveLoadedModel(model, remote, signature, group, release);
        },
      };
    },
  };
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
