import type { FastifyInstance } from 'fastify';
import type { DataPlane } from '../../inference/data-plane.js';
import { encodeModelConfig } from '../../protocol/kserve/encode-model-config.js';
import { encodeStatistics } from '../../protocol/kserve/encode-statistics.js';

export interface KserveExtensionRoutesDeps {
  readonly plane: Pick<DataPlane, 'config' | 'statistics'>;
}

interface ModelParams { model: string; version?: string }

const INFER = { config: { access: 'infer' } } as const;

/**
 * Triton's extensions of the protocol beside kserve-v2.ts: model configuration
 * (`GET /v2/models/{m}[/versions/{v}]/config`, read like model metadata) and statistics
 * (`GET /v2/models[/{m}[/versions/{v}]]/stats`). Every model's statistics at once need
 * `admin:read`, as the repository index and `/metrics` do; one model's, what its metadata needs.
 * https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_model_configuration.md
 * https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_statistics.md
 */
export async function kserveExtensionRoutes(app: FastifyInstance, deps: KserveExtensionRoutesDeps): Promise<void> {
  const { plane } = deps;

  app.get('/v2/models/stats', { config: { access: 'admin:read' } }, async () => encodeStatistics(plane.statistics()));

  for (const prefix of ['/v2/models/:model', '/v2/models/:model/versions/:version']) {
    app.get<{ Params: ModelParams }>(`${prefix}/config`, INFER, async (request) =>
      encodeModelConfig(await plane.config(request.params.model, request.params.version)));

    app.get<{ Params: ModelParams }>(`${prefix}/stats`, INFER, async (request) =>
      encodeStatistics(plane.statistics(request.params.model, request.params.version)));
  }
}
