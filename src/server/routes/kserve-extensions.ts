import type { FastifyInstance } from 'fastify';
import { Errors } from '../../errors/catalogue.js';
import type { DataPlane } from '../../inference/data-plane.js';
import { encodeModelConfig } from '../../protocol/kserve/encode-model-config.js';
import { encodeStatistics } from '../../protocol/kserve/encode-statistics.js';
import { REGISTRY_DECIDES, repositoryIndex } from '../repository-index.js';

export interface KserveExtensionRoutesDeps {
  readonly plane: Pick<DataPlane, 'config' | 'statistics' | 'models'>;
}

interface ModelParams { model: string; version?: string }

const INFER = { config: { access: 'infer' } } as const;

/** The index request's `ready`: no body (or `{}`) lists every version. */
function readyOnly(body: unknown): boolean {
  if (body === undefined || body === null) return false;
  if (typeof body !== 'object' || Array.isArray(body)) throw Errors.invalidRequest('body', 'send no body, or an object such as {"ready": true}');
  for (const [key, value] of Object.entries(body)) {
    if (key !== 'ready') throw Errors.invalidRequest(`body.${key}`, 'is not a field of the index request; the only one is "ready"');
    if (typeof value !== 'boolean') throw Errors.invalidRequest('body.ready', 'must be true or false');
  }
  return (body as { ready?: boolean }).ready === true;
}

/**
 * Triton's extensions of the protocol beside kserve-v2.ts: model configuration
 * (`GET /v2/models/{m}[/versions/{v}]/config`, read like model metadata) and statistics
 * (`GET /v2/models[/{m}[/versions/{v}]]/stats`). Every model's statistics at once need
 * `admin:read`, as the repository index and `/metrics` do; one model's, what its metadata needs.
 * https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_model_configuration.md
 * https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_statistics.md
 * And the model repository extension as gRPC has it: `POST /v2/repository/index` (`admin:read`),
 * load and unload refused with the registry's way (`admin:write`).
 * https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_model_repository.md
 */
export async function kserveExtensionRoutes(app: FastifyInstance, deps: KserveExtensionRoutesDeps): Promise<void> {
  const { plane } = deps;

  app.get('/v2/models/stats', { config: { access: 'admin:read' } }, async () => encodeStatistics(plane.statistics()));

  // tritonclient.http sends no body; `{"ready": true}` keeps the versions that are ready.
  app.post<{ Body: unknown }>('/v2/repository/index', { config: { access: 'admin:read' } },
    async (request) => repositoryIndex(plane.models(), readyOnly(request.body)));
  // A 409 here (a 4xx, as Triton refuses loads when its model control mode forbids them); gRPC says UNIMPLEMENTED.
  for (const action of ['load', 'unload']) {
    app.post<{ Params: { model: string } }>(`/v2/repository/models/:model/${action}`, { config: { access: 'admin:write' } }, async (request) => {
      throw Errors.notSupported(`${action === 'load' ? 'loading' : 'unloading'} through Triton's repository API`, request.params.model, REGISTRY_DECIDES);
    });
  }

  for (const prefix of ['/v2/models/:model', '/v2/models/:model/versions/:version']) {
    app.get<{ Params: ModelParams }>(`${prefix}/config`, INFER, async (request) =>
      encodeModelConfig(await plane.config(request.params.model, request.params.version)));

    app.get<{ Params: ModelParams }>(`${prefix}/stats`, INFER, async (request) =>
      encodeStatistics(plane.statistics(request.params.model, request.params.version)));
  }
}
