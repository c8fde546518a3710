import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Errors } from '../../errors/catalogue.js';
import type { ModelHost } from '../../inference/model-host.js';
import type { ArtifactStore } from '../../registry/artifact-store.js';
import type { ModelAdmin } from '../../control/model-admin.js';
import { isVersionNumber } from '../../model/names.js';
import type { Registry } from '../../registry/registry.js';
import { auditJson, modelJson, versionJson } from './admin-json.js';
import { FORCE_PROPERTIES, forceOption } from './force-option.js';
import { pageQuerySchema, type PageQuery } from './page-query.js';
import { receiveUpload } from './receive-upload.js';

export interface AdminModelsDeps {
  readonly registry: Registry;
  readonly artifacts: ArtifactStore;
  readonly host: ModelHost;
  /** Every change to what a model serves goes through it. */
  readonly admin: ModelAdmin;
  readonly maxArtifactBytes: number;
}

type M = { Params: { model: string } };
type MV = { Params: { model: string; version: string } };
type MA = { Params: { model: string; alias: string } };
type MVT = { Params: { model: string; version: string; tag: string } };

const READ = { access: 'admin:read' } as const;
const WRITE = { access: 'admin:write' } as const;
const nameParam = { type: 'string', minLength: 1, maxLength: 128 } as const;
/** Who the audit log names for this request. */
const actor = (request: FastifyRequest) => request.principal?.actor ?? 'anonymous';
const params = (...names: string[]) => ({ type: 'object', properties: Object.fromEntries(names.map((n) => [n, nameParam])), required: names });

/** The model registry's admin API (docs/reference/http.md, "Admin: model registry"). */
export async function adminModelsRoutes(app: FastifyInstance, deps: AdminModelsDeps): Promise<void> {
  const { registry, artifacts, host, admin } = deps;
  // One byte over the limit reaches the artifact store, which refuses it and keeps nothing.
  await app.register(multipart, { limits: { files: 1, fields: 8, fileSize: deps.maxArtifactBytes + 1, fieldSize: 1024 * 1024 } });

  const model = async (name: string) => {
    const record = await registry.getModel(name);
    if (!record) throw Errors.modelNotFound(name);
    return record;
  };
  const versionNumber = (model: string, text: string) => {
    const version = Number(text);
    if (!/^\d+$/.test(text) || !isVersionNumber(version)) throw Errors.versionNotFound(model, text);
    return version;
  };
  const answer = async (name: string) => modelJson(await model(name), host.get(name));

  app.post<{ Body: { name: string; description?: string } }>('/admin/models', {
    config: WRITE,
    schema: { body: { type: 'object', properties: { name: nameParam, description: { type: 'string', maxLength: 2000 } }, required: ['name'], additionalProperties: false } },
  }, async (request, reply) => {
    const created = await admin.createModel(request.body.name, request.body.description ?? null, actor(request));
    return reply.code(201).send(modelJson(created, host.get(created.name)));
  });

  app.get('/admin/models', { config: READ }, async () => ({
    models: (await registry.listModels()).map((record) => modelJson(record, host.get(record.name))),
  }));

  app.get<M>('/admin/models/:model', { config: READ, schema: { params: params('model') } }, async (request) => {
    const name = request.params.model;
    return { ...(await answer(name)), versions: (await registry.listVersions(name)).map(versionJson) };
  });

  app.post<M>('/admin/models/:model/versions', { config: WRITE, schema: { params: params('model') } }, async (request, reply) => {
    const upload = await receiveUpload(request, artifacts, deps.maxArtifactBytes);
    const record = await admin.upload(request.params.model, upload, actor(request));
    return reply.code(201).send(versionJson(record));
  });

  app.get<M>('/admin/models/:model/versions', { config: READ, schema: { params: params('model') } }, async (request) => {
    await model(request.params.model);
    return { versions: (await registry.listVersions(request.params.model)).map(versionJson) };
  });

  app.get<MV>('/admin/models/:model/versions/:version', { config: READ, schema: { params: params('model', 'version') } }, async (request) => {
    const { model: name, version } = request.params;
    const record = await registry.getVersion(name, versionNumber(name, version));
    if (!record) throw Errors.versionNotFound(name, version);
    return versionJson(record);
  });

  app.delete<MV>('/admin/models/:model/versions/:version', { config: WRITE, schema: { params: params('model', 'version') } }, async (request, reply) => {
    const { model: name, version } = request.params;
    await admin.deleteVersion(name, versionNumber(name, version), actor(request));
    return reply.code(204).send();
  });

  for (const method of ['PUT', 'DELETE'] as const) {
    app.route<MVT>({
      method, url: '/admin/models/:model/versions/:version/tags/:tag', config: WRITE, schema: { params: params('model', 'version', 'tag') },
      handler: async (request, reply) => {
        const { model: name, version, tag } = request.params;
        const number = versionNumber(name, version);
        await (method === 'PUT' ? registry.tag(name, number, tag, actor(request)) : registry.untag(name, number, tag, actor(request)));
        return reply.code(204).send();
      },
    });
  }

  app.put<MA & { Body: { version: number; force?: boolean; reason?: string } }>('/admin/models/:model/aliases/:alias', {
    config: WRITE,
    schema: {
      params: params('model', 'alias'),
      body: { type: 'object', properties: { version: { type: 'integer', minimum: 1 }, ...FORCE_PROPERTIES }, required: ['version'], additionalProperties: false },
    },
  }, async (request) => {
    const { model: name, alias } = request.params;
    await admin.setAlias(name, alias, request.body.version, actor(request), { force: forceOption(request, request.body) });
    return answer(name);
  });

  app.delete<MA>('/admin/models/:model/aliases/:alias', { config: WRITE, schema: { params: params('model', 'alias') } }, async (request) => {
    const { model: name, alias } = request.params;
    await admin.deleteAlias(name, alias, actor(request));
    return answer(name);
  });

  app.post<M & { Body: { force?: boolean; reason?: string } | undefined }>('/admin/models/:model/promote', {
    config: WRITE,
    schema: { params: params('model'), body: { type: ['object', 'null'], properties: FORCE_PROPERTIES, additionalProperties: false } },
  }, async (request) => {
    const name = request.params.model;
    await admin.promote(name, actor(request), { force: forceOption(request, request.body ?? undefined) });
    return answer(name);
  });

  app.post<M>('/admin/models/:model/rollback', { config: WRITE, schema: { params: params('model') } }, async (request) => {
    const name = request.params.model;
    await admin.rollback(name, actor(request));
    return answer(name);
  });

  app.post<M>('/admin/models/:model/reload', { config: WRITE, schema: { params: params('model') } }, async (request) => {
    const name = request.params.model;
    await admin.reload(name);
    const failed = [...(host.get(name)?.states ?? [])].flatMap(([version, s]) => (s.status === 'failed' ? [{ version, reason: s.reason }] : []));
    return { ...(await answer(name)), failed };
  });

  app.get<M & { Querystring: PageQuery }>('/admin/models/:model/history', {
    config: READ, schema: { params: params('model'), querystring: pageQuerySchema },
  }, async (request) => {
    const name = request.params.model;
    await model(name);
    const entries = await registry.history(name, { limit: request.query.limit, beforeId: request.query.before });
    return { entries: entries.map(auditJson) };
  });
}
