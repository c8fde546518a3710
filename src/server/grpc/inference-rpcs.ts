import { Errors } from '../../errors/catalogue.js';
import type { UmbralError } from '../../errors/umbral-error.js';
import type { Admission } from '../../inference/admission/admission.js';
import type { InferenceService, RequestedOutput } from '../../inference/inference-service.js';
import type { ModelHost } from '../../inference/model-host.js';
import { decodeGrpcInferRequest, encodeGrpcInferResponse } from '../../protocol/kserve/grpc-codec.js';
import type { GrpcModelInferRequest, GrpcModelInferResponse, GrpcModelRequest } from '../../protocol/kserve/grpc-wire-types.js';
import { encodeModelMetadata, encodeServerMetadata } from '../../protocol/kserve/encode-metadata.js';
import type { ModelMetadataResponse, ServerMetadataResponse } from '../../protocol/kserve/wire-types.js';
import { UMBRAL_VERSION } from '../../version.js';
import type { Readiness } from '../readiness.js';
import { EXTENSIONS } from '../routes/kserve-v2.js';
import type { Rpc, RpcContext } from './unary-rpc.js';

type Empty = Record<string, never>;

/** The RPCs of `inference.GRPCInferenceService` umbral serves; the compiler keeps the service complete. */
export interface InferenceRpcs {
  readonly ServerLive: Rpc<Empty, { live: boolean }>;
  readonly ServerReady: Rpc<Empty, { ready: boolean }>;
  readonly ModelReady: Rpc<GrpcModelRequest, { ready: boolean }>;
  readonly ServerMetadata: Rpc<Empty, ServerMetadataResponse>;
  readonly ModelMetadata: Rpc<GrpcModelRequest, ModelMetadataResponse>;
  readonly ModelInfer: Rpc<GrpcModelInferRequest, GrpcModelInferResponse>;
  readonly RepositoryIndex: Rpc<{ ready?: boolean }, { models: RepositoryEntry[] }>;
  readonly RepositoryModelLoad: Rpc<{ model_name?: string }, Empty>;
  readonly RepositoryModelUnload: Rpc<{ model_name?: string }, Empty>;
}

/** One model version in Triton's RepositoryIndex answer. */
interface RepositoryEntry {
  readonly name: string;
  readonly version: string;
  readonly state: 'READY' | 'LOADING' | 'UNAVAILABLE';
  readonly reason: string;
}

export interface InferenceRpcsDeps {
  readonly host: ModelHost;
  readonly inference: InferenceService;
  readonly admission: Pick<Admission, 'admit'>;
  readonly readiness: Pick<Readiness, 'ready'>;
  readonly maxElements: number;
}

/**
 * The gRPC face of the data plane, answering as the REST routes (routes/kserve-v2.ts) do, with the
 * same access per call: health public, server metadata for any credential, the rest `infer`.
 * https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_grpc.md
 */
export function inferenceRpcs(deps: InferenceRpcsDeps): InferenceRpcs {
  const { host, inference, admission, readiness } = deps;
  const modelOf = (request: GrpcModelRequest) => request.name;
  /** One ModelInfer after admission: an unknown or broken model answers NOT_FOUND/UNAVAILABLE whatever the tensors, as on REST. */
  async function infer(name: string, request: GrpcModelInferRequest, context: RpcContext): Promise<GrpcModelInferResponse> {
    const served = await inference.resolve(name, request.model_version || undefined);
    context.served = { model: served.model, version: served.version };
    const decoded = decodeGrpcInferRequest(request, { maxElements: deps.maxElements });
    const outputs: RequestedOutput[] = decoded.outputs.map((output) => ({
      name: output.name, classification: output.parameters.classification,
    }));
    const result = await inference.infer(served, {
      inputs: decoded.inputs, outputs, signal: context.signal, timing: context.timing,
      parameters: decoded.parameters, caller: context.principal?.id,
    });
    context.served = {
      model: result.model, version: result.version, batchSize: result.batchSize, fallbackFor: result.fallbackFor, cache: result.cache,
    };
    return encodeGrpcInferResponse({
      modelName: result.model, modelVersion: result.version, id: decoded.id, outputs: result.outputs,
    }, { raw: decoded.raw });
  }

  return {
    ServerLive: { access: 'public', handle: async () => ({ live: true }) },
    ServerReady: {
      access: 'public',
      handle: async () => ({ ready: readiness.ready() }),
    },
    ModelReady: {
      access: 'infer', model: modelOf,
      async handle(request) {
        try {
          await host.resolve(required(request.name, 'name'), request.version || undefined);
          return { ready: true };
        } catch (error) {
          // Not ready is an answer (as REST's 503 with ready: false); unknown is NOT_FOUND.
          if ((error as UmbralError).status !== 503) throw error;
          return { ready: false };
        }
      },
    },
    ServerMetadata: {
      access: 'authenticated',
      handle: async () => encodeServerMetadata({ name: 'umbral', version: UMBRAL_VERSION, extensions: EXTENSIONS }),
    },
    ModelMetadata: {
      access: 'infer', model: modelOf,
      async handle(request) {
        const name = required(request.name, 'name');
        const { signature } = (await host.resolve(name, request.version || undefined)).served;
        const versions = host.get(name)?.plan.versions.map((v) => v.version) ?? [];
        return encodeModelMetadata({ name, versions, ...signature });
      },
    },
    ModelInfer: {
      access: 'infer', model: (request) => request.model_name,
      async handle(request, context) {
        const name = required(request.model_name, 'model_name');
        // Refused before its tensors are decoded when the model is overloaded.
        const ticket = admission.admit(name);
        try {
          return await infer(name, request, context);
        } finally {
          ticket.leave();
        }
      },
    },
    RepositoryIndex: {
      access: 'admin:read',
      async handle(request) {
        return { models: repositoryIndex(host).filter((entry) => !request.ready || entry.state === 'READY') };
      },
    },
    RepositoryModelLoad: { access: 'admin:write', handle: async () => refuseRepositoryChange('RepositoryModelLoad') },
    RepositoryModelUnload: { access: 'admin:write', handle: async () => refuseRepositoryChange('RepositoryModelUnload') },
  };
}

/** Every model version this process holds, as Triton lists its repository. */
function repositoryIndex(host: ModelHost): RepositoryEntry[] {
  return host.list().flatMap((model) => [...model.states].map(([version, state]) => ({
    name: model.plan.name,
    version,
    state: state.status === 'ready' ? 'READY' as const : state.status === 'loading' ? 'LOADING' as const : 'UNAVAILABLE' as const,
    reason: state.status === 'failed' ? state.reason : '',
  })));
}

/** umbral's registry decides what serves (every replica alike), so a per-server load is refused with the way to do it. */
function refuseRepositoryChange(method: string): never {
  throw Errors.notImplemented(method,
    'what umbral serves follows its registry: upload a version and move its aliases through the admin API (/admin/models), or reload it with POST /admin/models/{model}/reload');
}

function required(value: string | undefined, field: string): string {
  if (!value) throw Errors.invalidRequest(field, 'must name a model');
  return value;
}
