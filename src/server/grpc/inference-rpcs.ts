import { requiredModel, type DataPlane } from '../../inference/data-plane.js';
import { decodeGrpcInferRequest, encodeGrpcInferResponse } from '../../protocol/kserve/grpc-codec.js';
import type { GrpcModelInferRequest, GrpcModelInferResponse, GrpcModelRequest } from '../../protocol/kserve/grpc-wire-types.js';
import { encodeModelMetadata, encodeServerMetadata } from '../../protocol/kserve/encode-metadata.js';
import type { ModelMetadataResponse, ServerMetadataResponse } from '../../protocol/kserve/wire-types.js';
import { UMBRAL_VERSION } from '../../version.js';
import type { Readiness } from '../readiness.js';
import { refuseRepositoryChange, repositoryIndex, type RepositoryEntry } from '../repository-index.js';
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

export interface InferenceRpcsDeps {
  /** The data plane's one front: admission, limits, deadline, cache, fallback. */
  readonly plane: Pick<DataPlane, 'admit' | 'infer' | 'metadata' | 'ready' | 'models'>;
  readonly readiness: Pick<Readiness, 'ready'>;
}

/**
 * The gRPC face of the data plane, answering as the REST routes (routes/kserve-v2.ts) do, with the
 * same access per call: health public, server metadata for any credential, the rest `infer`.
 * https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_grpc.md
 */
export function inferenceRpcs(deps: InferenceRpcsDeps): InferenceRpcs {
  const { plane, readiness } = deps;
  const modelOf = (request: GrpcModelRequest) => request.name;

  /** One ModelInfer: admitted before its tensors are decoded, the slot given back when it ends. */
  async function infer(request: GrpcModelInferRequest, context: RpcContext): Promise<GrpcModelInferResponse> {
    const model = requiredModel(request.model_name, 'model_name');
    const ticket = await plane.admit(model, context.principal);
    try {
      const { decoded, result, variant } = await plane.infer({
        model, version: request.model_version || undefined, requestId: context.requestId, principal: context.principal, signal: context.signal, timing: context.timing,
        headers: context.metadata, decode: (limits) => decodeGrpcInferRequest(request, limits),
        onResolved: (name, version) => { context.served = { model: name, version }; },
      });
      context.served = {
        model: result.model, version: result.version, batchSize: result.batchSize, fallbackFor: result.fallbackFor, cache: result.cache,
        ...(variant ? { variant } : {}),
      };
      return encodeGrpcInferResponse({ modelName: result.model, modelVersion: result.version, id: decoded.id, outputs: result.outputs }, { raw: decoded.raw });
    } finally {
      ticket.leave();
    }
  }

  return {
    ServerLive: { access: 'public', handle: async () => ({ live: true }) },
    ServerReady: {
      access: 'public',
      handle: async () => ({ ready: readiness.ready() }),
    },
    ModelReady: {
      access: 'infer', model: modelOf,
      // Not ready is an answer (as REST's 503 with ready: false); unknown is NOT_FOUND.
      handle: async (request) => ({ ready: (await plane.ready(requiredModel(request.name, 'name'), request.version || undefined)).ready }),
    },
    ServerMetadata: {
      access: 'authenticated',
      handle: async () => encodeServerMetadata({ name: 'umbral', version: UMBRAL_VERSION, extensions: EXTENSIONS }),
    },
    ModelMetadata: {
      access: 'infer', model: modelOf,
      handle: async (request) => encodeModelMetadata(await plane.metadata(requiredModel(request.name, 'name'), request.version || undefined)),
    },
    ModelInfer: { access: 'infer', model: (request) => request.model_name, handle: infer },
    RepositoryIndex: {
      access: 'admin:read',
      async handle(request) {
        return { models: repositoryIndex(plane.models(), request.ready === true) };
      },
    },
    RepositoryModelLoad: { access: 'admin:write', handle: async () => refuseRepositoryChange('RepositoryModelLoad') },
    RepositoryModelUnload: { access: 'admin:write', handle: async () => refuseRepositoryChange('RepositoryModelUnload') },
  };
}
