import { Errors } from '../errors/catalogue.js';
import type { NewApiKey } from './api-key-input.js';
import { ROLE_PERMISSIONS, type Permission, type Role } from './permissions.js';
import { LIMIT_FIELDS, type Limits, type Principal } from './principal.js';

/*
 * No principal creates, raises or configures a credential beyond what it holds
 * (docs/guides/access-control.md, "Roles and permissions"). Pure checks; AccessAdmin applies them
 * to every change of keys and users.
 *
 * - A key's scopes are a subset of the caller's permissions; its models a subset of the caller's
 *   allow-list (omitted: the caller's list); its limits as tight as the caller's own or tighter
 *   (omitted fields: the caller's); its expiry no later than the caller's (omitted: the caller's).
 * - Revoking a key needs every scope of that key.
 * - A user's role must hold no permission the caller lacks, nor may the role a user has now (a
 *   lesser admin cannot demote, disable or re-enable a stronger account).
 * - Users have every model, the server's default limits and no expiry: a caller with an allow-list,
 *   with limits tighter than the defaults, or with an expiry manages no users at all.
 */

/** Throws UMBRAL_ERR_SCOPE_NOT_HELD for the first of `permissions` the caller lacks. */
export function checkPermissionsHeld(caller: Principal, permissions: readonly Permission[]): void {
  const missing = permissions.find((permission) => !caller.permissions.has(permission));
  if (missing !== undefined) throw Errors.scopeNotHeld(missing);
}

/**
 * Throws UMBRAL_ERR_ROLE_NOT_HELD when `role` has a permission the caller lacks. `what` names the
 * role in the message: `role 'admin'`, or `the current role 'admin' of user 'bob'`.
 */
export function checkRoleHeld(caller: Principal, role: Role, what = `role '${role}'`): void {
  const missing = ROLE_PERMISSIONS[role].find((permission) => !caller.permissions.has(permission));
  if (missing !== undefined) throw Errors.roleNotHeld(what, missing);
}

/**
 * Throws unless the caller is bound by nothing a user is free of: users have no model allow-list,
 * the server's default limits (`defaults`) and no expiry, so a caller with an allow-list, with
 * limits tighter than the defaults, or with an expiry would hand out more than it holds.
 */
export function checkMayManageUsers(caller: Principal, defaults: Limits): void {
  if (caller.models) {
    throw Errors.modelsNotHeld(`users have no model allow-list, so this credential, restricted to ${caller.models.length} model(s), cannot create or change users`);
  }
  for (const field of LIMIT_FIELDS) {
    const own = caller.limits?.[field];
    const given = defaults[field];
    if (own !== undefined && (given === undefined || given > own)) {
      throw Errors.limitsNotHeld(`users get the server's default limits, where ${field} is ${given ?? 'unlimited'}, `
        + `looser than this credential's own ${own}, so it cannot create or change users`);
    }
  }
  if (caller.expiresAt) {
    throw Errors.expiryNotHeld(`users never expire, and this credential expires at ${caller.expiresAt.toISOString()}, so it cannot create or change users`);
  }
}

/**
 * The key `request` asks for, bounded by the caller: throws when it asks for a scope, a model,
 * a looser limit or a later expiry than the caller holds, and fills what it leaves out with the
 * caller's own allow-list, limits and expiry. Malformed values pass through unchanged, for the
 * input check to refuse with a 400.
 */
export function boundNewKey(caller: Principal, request: NewApiKey): NewApiKey {
  if (Array.isArray(request.scopes)) checkPermissionsHeld(caller, request.scopes);
  return { ...request, models: boundModels(caller, request.models), limits: boundLimits(caller, request.limits), expiresAt: boundExpiry(caller, request.expiresAt) };
}

function boundModels(caller: Principal, models: NewApiKey['models']): NewApiKey['models'] {
  if (!caller.models) return models;
  if (models === undefined || models === null) return [...caller.models];
  if (!Array.isArray(models)) return models;
  const outside = models.find((model) => !caller.models?.includes(model));
  if (outside !== undefined) throw Errors.modelsNotHeld(`model '${String(outside)}' is outside this credential's model allow-list`);
  return models;
}

function boundLimits(caller: Principal, limits: NewApiKey['limits']): NewApiKey['limits'] {
  const own = caller.limits;
  if (!own || Object.keys(own).length === 0) return limits;
  if (limits !== undefined && limits !== null && (typeof limits !== 'object' || Array.isArray(limits))) return limits;
  const merged: Limits = { ...own, ...limits };
  for (const field of LIMIT_FIELDS) {
    const ceiling = own[field];
    const value = merged[field];
    if (ceiling === undefined || typeof value !== 'number') continue;
    if (value > ceiling) throw Errors.limitsNotHeld(`limits.${field} ${value} is looser than this credential's own ${ceiling}`);
  }
  return merged;
}

function boundExpiry(caller: Principal, expiresAt: NewApiKey['expiresAt']): NewApiKey['expiresAt'] {
  const own = caller.expiresAt;
  if (!own) return expiresAt;
  if (expiresAt === undefined || expiresAt === null) return own;
  if (expiresAt instanceof Date && expiresAt.getTime() > own.getTime()) {
    throw Errors.expiryNotHeld(`expiresAt ${expiresAt.toISOString()} is after this credential's own expiry, ${own.toISOString()}`);
  }
  return expiresAt;
}
