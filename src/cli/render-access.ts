import { formatTable } from './format-table.js';

/** An API key as the admin API returns it (docs/guides/access-control.md, "API keys"); never its secret, except on creation. */
export interface KeyJson {
  readonly id?: string;
  readonly name?: string;
  readonly scopes?: readonly string[];
  /** null: every model. */
  readonly models?: readonly string[] | null;
  /** null: the server's defaults. */
  readonly limits?: { readonly requestsPerSecond?: number; readonly requestsPerMinute?: number; readonly concurrent?: number } | null;
  readonly expiresAt?: string | null;
  readonly createdBy?: string;
  readonly createdAt?: string;
  readonly revokedAt?: string | null;
  readonly revokedBy?: string | null;
  readonly lastUsedAt?: string | null;
}

/** The answer to `POST /admin/keys`: the key's record and, this once, the key itself. */
export interface CreatedKeyJson extends KeyJson {
  readonly key?: string;
}

/** A user as the admin API returns it (docs/guides/access-control.md, "Users and tokens"). */
export interface UserJson {
  readonly id?: number | string;
  readonly username?: string;
  readonly role?: string;
  readonly disabled?: boolean;
  readonly createdBy?: string;
  readonly createdAt?: string;
}

/** Printed on stderr by `umbral keys create`, so that stdout holds the key alone. */
export const KEY_SHOWN_ONCE = 'the key above is shown only this once: store it now, the server cannot show it again';

/** `umbral keys list`. */
export function renderKeyList(keys: readonly KeyJson[]): string {
  if (keys.length === 0) return 'no keys';
  return formatTable(
    keys.map((k) => [cell(k.id), cell(k.name), list(k.scopes), models(k), never(k.expiresAt), never(k.lastUsedAt), time(k.revokedAt)]),
    ['ID', 'NAME', 'SCOPES', 'MODELS', 'EXPIRES', 'LAST USED', 'REVOKED'],
  );
}

/** `umbral keys create`: what the new key may do, for stderr (the key itself goes to stdout). */
export function renderKeyDetails(key: KeyJson): string {
  return formatTable([
    ['id', cell(key.id)],
    ['name', cell(key.name)],
    ['scopes', list(key.scopes)],
    ['models', models(key)],
    ['limits', limits(key)],
    ['expires', never(key.expiresAt)],
    ['created', `${time(key.createdAt)} by ${cell(key.createdBy)}`],
  ]);
}

/** `umbral keys revoke`. */
export function renderKeyRevoked(id: string): string {
  return `revoked key ${id}`;
}

/** `umbral users list`. */
export function renderUserList(users: readonly UserJson[]): string {
  if (users.length === 0) return 'no users';
  return formatTable(
    users.map((u) => [cell(u.username), cell(u.role), status(u), time(u.createdAt), cell(u.createdBy)]),
    ['USERNAME', 'ROLE', 'STATUS', 'CREATED', 'BY'],
  );
}

/** `umbral users create|set-role|disable|enable`: the user as it is now. */
export function renderUser(user: UserJson): string {
  return formatTable([
    ['user', cell(user.username)],
    ['role', cell(user.role)],
    ['status', status(user)],
    ['created', `${time(user.createdAt)} by ${cell(user.createdBy)}`],
  ]);
}

function status(user: UserJson): string {
  return user.disabled === undefined ? '-' : user.disabled ? 'disabled' : 'active';
}

function models(key: KeyJson): string {
  return key.models === null ? 'all' : list(key.models);
}

function limits(key: KeyJson): string {
  const l = key.limits;
  if (l === null) return 'server defaults';
  if (l === undefined) return '-';
  const parts = [['rps', l.requestsPerSecond], ['rpm', l.requestsPerMinute], ['concurrent', l.concurrent]] as const;
  return parts.filter(([, value]) => value !== undefined).map(([name, value]) => `${name}=${value}`).join(', ') || 'server defaults';
}

function list(values: readonly string[] | null | undefined): string {
  return values === null || values === undefined || values.length === 0 ? '-' : values.join(',');
}

/** A time that is null when it has not happened, or will not (never used, never expires). */
function never(value: string | null | undefined): string {
  return value === null ? 'never' : time(value);
}

function cell(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-';
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** ISO time to the second, UTC: `2026-11-22 04:22:05Z`, as `models` prints times. */
function time(value: string | null | undefined): string {
  const date = value === undefined || value === null ? undefined : new Date(value);
  return date === undefined || Number.isNaN(date.getTime()) ? cell(value) : `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}
