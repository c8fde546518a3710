import { Errors } from '../errors/catalogue.js';
import { checkName } from '../model/names.js';
import { PERMISSIONS, isPermission, type Permission } from './permissions.js';
import { LIMIT_FIELDS, type Limits } from './principal.js';

const MAX_NAME = 100;
const MAX_MODELS = 1000;

/** What an admin asks for when creating a key. */
export interface NewApiKey {
  readonly name: string;
  readonly scopes: Permission[];
  readonly models?: string[] | null;
  readonly limits?: Limits | null;
  readonly expiresAt?: Date | null;
}

/** A key request that passed every check, normalised. */
export interface ValidKey {
  readonly name: string;
  readonly scopes: Permission[];
  readonly models: string[] | null;
  readonly limits: Limits | null;
  readonly expiresAt: Date | null;
}

/** Checks an admin's request and returns it normalised (scopes and models deduplicated). */
export function checkNewKey(input: NewApiKey, now: Date): ValidKey {
  const { name, scopes } = input;
  // Control, format and unassigned characters would make the name unreadable or deceptive in a listing.
  if (typeof name !== 'string' || name.trim() === '' || [...name].length > MAX_NAME || /\p{C}/u.test(name)) {
    throw Errors.invalidRequest('name', `must be 1-${MAX_NAME} printable characters, not only spaces`);
  }
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw Errors.invalidRequest('scopes', `must list at least one of ${PERMISSIONS.join(', ')}`);
  }
  for (const scope of scopes) {
    if (!isPermission(scope)) throw Errors.invalidRequest('scopes', `'${String(scope)}' is not a permission; use ${PERMISSIONS.join(', ')}`);
  }
  return {
    name,
    scopes: PERMISSIONS.filter((permission) => scopes.includes(permission)),
    models: checkModels(input.models ?? null),
    limits: checkLimits(input.limits ?? null),
    expiresAt: checkExpiry(input.expiresAt ?? null, now),
  };
}

function checkModels(models: string[] | null): string[] | null {
  if (models === null) return null;
  if (!Array.isArray(models) || models.length === 0 || models.length > MAX_MODELS) {
    throw Errors.invalidRequest('models', `must name 1-${MAX_MODELS} models, or be left out to allow every model`);
  }
  for (const model of models) checkName('model', model);
  return [...new Set(models)];
}

function checkLimits(limits: Limits | null): Limits | null {
  if (limits === null) return null;
  if (typeof limits !== 'object' || Array.isArray(limits)) throw Errors.invalidRequest('limits', 'must be an object');
  const known: readonly string[] = LIMIT_FIELDS;
  for (const field of Object.keys(limits)) {
    if (!known.includes(field)) throw Errors.invalidRequest(`limits.${field}`, `is not a limit; use ${LIMIT_FIELDS.join(', ')}`);
  }
  const checked: { -readonly [K in keyof Limits]: number } = {};
  for (const field of LIMIT_FIELDS) {
    const value = limits[field];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) throw Errors.invalidRequest(`limits.${field}`, 'must be a whole number, 1 or more');
    checked[field] = value;
  }
  return checked;
}

function checkExpiry(expiresAt: Date | null, now: Date): Date | null {
  if (expiresAt === null) return null;
  if (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime())) throw Errors.invalidRequest('expiresAt', 'must be a date and time');
  if (expiresAt.getTime() <= now.getTime()) throw Errors.invalidRequest('expiresAt', 'must be in the future');
  return expiresAt;
}
