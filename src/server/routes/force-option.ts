import type { FastifyRequest } from 'fastify';
import type { Force } from '../../control/signature-check.js';
import { Errors } from '../../errors/catalogue.js';

/** The body fields that override a promotion safeguard: `force: true` with a `reason`. */
export const FORCE_PROPERTIES = {
  force: { type: 'boolean', description: 'override the signature check (admins only: the access:admin permission)' },
  reason: { type: 'string', minLength: 1, maxLength: 1000, description: 'why; required with force, recorded in the audit log' },
} as const;

/**
 * The override a request asks for, if any. Only an admin may force (the `access:admin` permission,
 * which only the admin role and keys given it hold; 403 otherwise), and never without a reason (400).
 */
export function forceOption(request: FastifyRequest, body: { force?: boolean; reason?: string } | undefined): Force | undefined {
  if (body?.force !== true) return undefined;
  if (!request.principal?.permissions.has('access:admin')) throw Errors.forbidden('access:admin');
  const reason = body.reason?.trim() ?? '';
  if (reason === '') throw Errors.invalidRequest('reason', 'forcing needs a reason, which the audit log records: say why the check is overridden');
  return { reason };
}
