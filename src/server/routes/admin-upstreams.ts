import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Errors } from '../../errors/catalogue.js';
import type { ModelHost } from '../../inference/model-host.js';
import { heldUpstreams, type HeldUpstream } from '../../control/held-upstreams.js';
import type { ModelAdmin } from '../../control/model-admin.js';

export interface AdminUpstreamsDeps {
  readonly host: ModelHost;
  /** A server list is a change of the model's policy: it lasts, and every replica applies it. */
  readonly admin: Pick<ModelAdmin, 'setServers'>;
}

type M = { Params: { model: string } };
type MR = { Params: { model: string; remote: string } };

const READ = { access: 'admin:read' } as const;
const WRITE = { access: 'admin:write' } as const;
const nameParam = { type: 'string', minLength: 1, maxLength: 128 } as const;
const params = (...names: string[]) => ({ type: 'object', properties: Object.fromEntries(names.map((n) => [n, nameParam])), required: names });
const serversBody = {
  type: 'object', additionalProperties: false, required: ['servers'],
  properties: { servers: { type: 'array', minItems: 1, maxItems: 64, items: { type: 'string', minLength: 1, maxLength: 2048 } } },
} as const;
const REPOSITORY_TIMEOUT_MS = 30_000;
const actor = (request: FastifyRequest) => request.principal?.actor ?? 'anonymous';

/**
 * The remote servers behind models (docs/reference/http.md, "Admin: upstreams"): breakers and
 * health, the server list changed at run time, and Triton's model repository (index, load,
 * unload) on those servers.
 */
export async function adminUpstreamsRoutes(app: FastifyInstance, deps: AdminUpstreamsDeps): Promise<void> {
  const { host } = deps;

  app.get('/admin/breakers', { config: READ }, async () => ({
    upstreams: heldUpstreams(host).map(({ model, version, control }) => ({ model, version, servers: control.servers() })),
  }));

  app.get<M>('/admin/models/:model/servers', { config: READ, schema: { params: params('model') } }, async (request) => {
    const { model } = request.params;
    return { model, upstreams: controlsOf(host, model).map(({ version, control }) => ({ version, servers: control.servers() })) };
  });

  app.put<M & { Body: { servers: string[] } }>('/admin/models/:model/servers',
    { config: WRITE, schema: { params: params('model'), body: serversBody } }, async (request) => {
      const { model } = request.params;
      const { servers } = request.body;
      // Checked against the backend's address form (400, nothing changed), stored in the policy, applied here and announced.
      const policy = await deps.admin.setServers(model, servers, actor(request));
      request.log.info({ model, servers: servers.length, revision: policy.revision }, 'upstream servers changed');
      return { model, revision: policy.revision, upstreams: controlsOf(host, model).map(({ version, control }) => ({ version, servers: control.servers() })) };
    });

  app.get<M>('/admin/models/:model/repository', { config: READ, schema: { params: params('model') } }, async (request) => {
    const { model } = request.params;
    return { model, models: await repositoryOf(host, model).index(AbortSignal.timeout(REPOSITORY_TIMEOUT_MS)) };
  });

  for (const action of ['load', 'unload'] as const) {
    app.post<MR>(`/admin/models/:model/repository/:remote/${action}`,
      { config: WRITE, schema: { params: params('model', 'remote') } }, async (request) => {
        const { model, remote } = request.params;
        await repositoryOf(host, model)[action](remote, AbortSignal.timeout(REPOSITORY_TIMEOUT_MS));
        request.log.info({ model, remote, action }, 'upstream repository changed');
        return { model, remote, [action === 'load' ? 'loaded' : 'unloaded']: true };
      });
  }
}

/** The loaded remote versions of one model: 404 for an unknown model, 501 for one that is not remote. */
function controlsOf(host: ModelHost, model: string): HeldUpstream[] {
  if (!host.get(model)) throw Errors.modelNotFound(model);
  const held = heldUpstreams(host).filter((u) => u.model === model);
  if (held.length === 0) throw Errors.notSupported('a server list', model, 'only remote models (backend kserve or openai) have servers');
  return held;
}

/** The repository control of the model's serving version (its servers are the ones to change). */
function repositoryOf(host: ModelHost, model: string) {
  const hosted = host.get(model);
  if (!hosted) throw Errors.modelNotFound(model);
  const state = hosted.defaultVersion === undefined ? undefined : hosted.states.get(hosted.defaultVersion);
  const repository = state?.status === 'ready' ? state.version.loaded.upstream?.repository : undefined;
  if (!repository) throw Errors.notSupported('Triton\'s model repository extension', model, 'only models with backend kserve reach a model repository');
  return repository;
}
