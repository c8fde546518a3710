import { Errors } from '../../errors/catalogue.js';
import { requiredModel, type DataPlane } from '../../inference/data-plane.js';
import { encodeModelConfig, type TritonModelConfig } from '../../protocol/kserve/encode-model-config.js';
import { encodeStatistics, type TritonStatisticsResponse } from '../../protocol/kserve/encode-statistics.js';
import type { GrpcModelRequest } from '../../protocol/kserve/grpc-wire-types.js';
import type { Rpc } from './unary-rpc.js';

/** Triton's configuration and statistics RPCs of `inference.GRPCInferenceService`; the compiler keeps the set complete. */
export interface ExtensionRpcs {
  readonly ModelConfig: Rpc<GrpcModelRequest, { config: TritonModelConfig }>;
  readonly ModelStatistics: Rpc<GrpcModelRequest, TritonStatisticsResponse>;
}

export interface ExtensionRpcsDeps {
  readonly plane: Pick<DataPlane, 'config' | 'statistics'>;
}

/**
 * The gRPC face of routes/kserve-extensions.ts, with the same answers and access: one model's
 * configuration or statistics as its metadata, every model's statistics (no name) `admin:read` too.
 */
export function extensionRpcs(deps: ExtensionRpcsDeps): ExtensionRpcs {
  const { plane } = deps;
  return {
    ModelConfig: {
      access: 'infer', model: (request) => request.name,
      handle: async (request) => ({ config: encodeModelConfig(await plane.config(requiredModel(request.name, 'name'), request.version || undefined)) }),
    },
    ModelStatistics: {
      access: 'infer', model: (request) => request.name,
      async handle(request, context) {
        if (!request.name) {
          if (context.principal && !context.principal.permissions.has('admin:read')) throw Errors.forbidden('admin:read');
          return encodeStatistics(plane.statistics());
        }
        return encodeStatistics(plane.statistics(request.name, request.version || undefined));
      },
    },
  };
}
