import type { FastifyInstance } from 'fastify';
import { Errors } from '../../errors/catalogue.js';
import type { ModelHost } from '../../inference/model-host.js';
import type { ShadowStats } from '../../mlops/shadow/shadow-stats.js';
import type { Registry } from '../../registry/registry.js';

export interface AdminShadowDeps {
  readonly shadow: ShadowStats;
  readonly host: Pick<ModelHost, 'get'>;
  readonly registry: Pick<Registry, 'getModel'>;
}

const params = { type: 'object', required: ['model'], properties: { model: { type: 'string', minLength: 1, maxLength: 128 } } } as const;

/** Shadow traffic (docs/guides/shadow.md): how a model's mirrored requests compared, since this process started. */
export async function adminShadowRoutes(app: FastifyInstance, deps: AdminShadowDeps): Promise<void> {
  app.get<{ Params: { model: string } }>('/admin/models/:model/shadow', {
    config: { access: 'admin:read' }, schema: { params },
  }, async (request) => {
    const { model } = request.params;
    if (!(await deps.registry.getModel(model))) throw Errors.modelNotFound(model);
    return deps.shadow.report(model, deps.host.get(model)?.plan.shadow);
  });
}
