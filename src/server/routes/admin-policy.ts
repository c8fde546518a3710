import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModelAdmin, PolicyView } from '../../control/model-admin.js';
import { Errors } from '../../errors/catalogue.js';
import type { PolicyRevision } from '../../registry/registry.js';

export interface AdminPolicyDeps {
  readonly admin: ModelAdmin;
}

type M = { Params: { model: string } };

const READ = { access: 'admin:read' } as const;
const WRITE = { access: 'admin:write' } as const;
const params = { type: 'object', required: ['model'], properties: { model: { type: 'string', minLength: 1, maxLength: 128 } } } as const;
const historyQuery = {
  type: 'object', additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 }, before: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } },
} as const;
const MERGE_PATCH = 'application/merge-patch+json';
const actor = (request: FastifyRequest) => request.principal?.actor ?? 'anonymous';

/**
 * A model's serving policy (docs/guides/model-registry.md, "Serving policy"): read, replaced (PUT), merge-patched (PATCH,
 * RFC 7396) and its history. The answer carries the revision as an ETag; a write may send it back
 * in If-Match so that it applies only to the revision it was based on (412 otherwise).
 */
export async function adminPolicyRoutes(app: FastifyInstance, deps: AdminPolicyDeps): Promise<void> {
  const { admin } = deps;

  app.get<M>('/admin/models/:model/policy', { config: READ, schema: { params } }, async (request, reply) =>
    send(reply, await admin.policy(request.params.model)));

  app.put<M>('/admin/models/:model/policy', { config: WRITE, schema: { params } }, async (request, reply) =>
    send(reply, await admin.setPolicy(request.params.model, request.body, actor(request), expectedRevision(request))));

  app.patch<M>('/admin/models/:model/policy', { config: WRITE, schema: { params } }, async (request, reply) => {
    const type = String(request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== MERGE_PATCH && type !== 'application/json') {
      throw Errors.unsupportedMediaType(`${type || 'none'}' for a PATCH; send a JSON merge patch (RFC 7396) as '${MERGE_PATCH}`);
    }
    return send(reply, await admin.patchPolicy(request.params.model, request.body, actor(request), expectedRevision(request)));
  });

  app.get<M & { Querystring: { limit?: number; before?: number } }>('/admin/models/:model/policy/history', {
    config: READ, schema: { params, querystring: historyQuery },
  }, async (request) => {
    const revisions = await admin.policyHistory(request.params.model, { limit: request.query.limit, beforeRevision: request.query.before });
    return { model: request.params.model, revisions: revisions.map(revisionJson) };
  });
}

function send(reply: FastifyReply, view: PolicyView): FastifyReply {
  reply.header('etag', `"${view.revision}"`);
  return reply.send({
    model: view.model, revision: view.revision, policy: view.policy,
    updatedBy: view.updatedBy, updatedAt: view.updatedAt?.toISOString() ?? null,
  });
}

/** The revision an `If-Match: "N"` names; none without the header. */
function expectedRevision(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(String(header));
  if (!match) throw Errors.invalidRequest('If-Match', 'must be the ETag of GET …/policy, such as "3"');
  return Number(match[1]);
}

function revisionJson(revision: PolicyRevision) {
  return { revision: revision.revision, actor: revision.actor, at: revision.at.toISOString(), changes: revision.changes, policy: revision.policy };
}
