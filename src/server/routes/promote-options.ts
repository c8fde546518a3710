import type { FastifyRequest } from 'fastify';
import type { PromoteOptions } from '../../control/promotion-gate.js';
import { Errors } from '../../errors/catalogue.js';

/** Who may force a promotion past a failed gate: an admin (the role admin, or a key with the access:admin scope). */
const FORCE_PERMISSION = 'access:admin';

/**
 * The optional body of `POST /admin/models/{m}/promote`: none (or `{}`), or `{"force": true,
 * "reason": "…"}` to promote past a failed gate. Forcing is for admins: 403 for anyone else.
 */
export function promoteOptions(request: FastifyRequest): PromoteOptions {
  const body: unknown = request.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw Errors.invalidRequest('body', 'must be an object: {"force": true, "reason": "…"}, or none');
  const { force, reason, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw Errors.invalidRequest(unknown, 'is not a field of a promotion; send force and reason only');
  if (force !== undefined && typeof force !== 'boolean') throw Errors.invalidRequest('force', 'must be true or false');
  if (reason !== undefined && typeof reason !== 'string') throw Errors.invalidRequest('reason', 'must be a string');
  if (force === true && !request.principal?.permissions.has(FORCE_PERMISSION)) throw Errors.forbidden(FORCE_PERMISSION);
  return { ...(force === undefined ? {} : { force }), ...(reason === undefined ? {} : { reason }) };
}
