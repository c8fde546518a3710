import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { Errors } from '../../errors/catalogue.js';
import type { DriftMonitor } from '../../mlops/drift/drift-monitor.js';
import { decompressBody } from '../plugins/decompress-body.js';

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
    readText(request, payload, maxReferenceBytes).then((text) => done(null, text), (error: Error) => done(error, undefined));
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

/** The body as UTF-8 text, refused with a 413 as soon as it passes `limit` bytes (as sent, and once decompressed). */
async function readText(request: FastifyRequest, payload: Readable, limit: number): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (declared > limit) throw Errors.referenceTooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of payload) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw Errors.referenceTooLarge(limit);
    chunks.push(buffer);
  }
  const body = await decompressBody(Buffer.concat(chunks, size), request.headers['content-encoding'], limit).catch((error: unknown) => {
    throw (error as { code?: string }).code === Errors.bodyTooLarge.code ? Errors.referenceTooLarge(limit) : error;
  });
  return body.toString('utf8');
}
