import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Errors } from '../../errors/catalogue.js';
import type { DriftMonitor } from '../../mlops/drift/drift-monitor.js';
import { readTextBody } from './read-text-body.js';

export interface AdminDriftDeps {
  readonly drift: DriftMonitor;
  /** Largest reference dataset taken (drift.maxReferenceBytes). */
  readonly maxReferenceBytes: number;
}

const nameParam = { type: 'string', minLength: 1, maxLength: 128 } as const;
const params = (...names: string[]) => ({ type: 'object', properties: Object.fromEntries(names.map((n) => [n, nameParam])), required: names });
const actor = (request: FastifyRequest) => request.principal?.actor ?? 'anonymous';

/**
 * Drift (docs/guides/drift.md): a version's reference dataset, pushed as JSON lines, and the model's
 * latest scores. The reference route reads its body as text whatever its content type (curl's
 * --data-binary sends form-urlencoded), up to drift.maxReferenceBytes rather than the server's
 * body limit: a reference is larger than a request.
 */
export async function adminDriftRoutes(app: FastifyInstance, deps: AdminDriftDeps): Promise<void> {
  const { drift, maxReferenceBytes } = deps;
  // This plugin's own context: the server-wide JSON parser does not apply here.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    readTextBody(request, payload, maxReferenceBytes, () => Errors.referenceTooLarge(maxReferenceBytes)).then((text) => done(null, text), (error: Error) => done(error, undefined));
  });

  app.put<{ Params: { model: string; version: string }; Body: string }>('/admin/models/:model/versions/:version/reference', {
    config: { access: 'admin:write' }, schema: { params: params('model', 'version') }, bodyLimit: maxReferenceBytes,
  }, async (request, reply) => {
    const { model, version } = request.params;
    const summary = await drift.pushReference(model, version, typeof request.body === 'string' ? request.body : '', actor(request));
    return reply.code(201).send({ model, ...summary });
  });

  app.get<{ Params: { model: string } }>('/admin/models/:model/drift', {
    config: { access: 'admin:read' }, schema: { params: params('model') },
  }, async (request) => drift.report(request.params.model));
}
