import { PERMISSIONS, ROLES, isPermission, isRole, type Permission, type Role } from '../access/permissions.js';
import type { Limits } from '../access/principal.js';
import type { ClientFlags } from '../config/client-config.js';
import { Errors } from '../errors/catalogue.js';
import { integerArg, parseAction, stringList, stringValue, type ActionSpec, type ActionValues } from './parse-action-args.js';

/** The body of `POST /admin/keys`: what the new key may do, on which models, until when, how fast. */
export interface NewKey {
  readonly name: string;
  /** At least one, no repeats. */
  readonly scopes: readonly Permission[];
  /** Absent: every model. */
  readonly models?: readonly string[];
  /** ISO-8601 UTC time; absent: never expires. */
  readonly expiresAt?: string;
  /** Absent: the server's default limits. */
  readonly limits?: Limits;
}

/** One `umbral keys …` action and its arguments. */
export type KeysAction =
  | { readonly name: 'create'; readonly key: NewKey }
  | { readonly name: 'list' }
  | { readonly name: 'revoke'; readonly id: string };

/** One `umbral users …` action and its arguments; the password of `create` is read when it runs. */
export type UsersAction =
  | { readonly name: 'create' | 'set-role'; readonly username: string; readonly role: Role }
  | { readonly name: 'list' }
  | { readonly name: 'disable' | 'enable'; readonly username: string };

/** `umbral keys …` or `umbral users …`: what to do, where the server is, and whether to print its JSON. */
export type AccessCommand<Kind extends 'keys' | 'users', Action> = {
  readonly kind: Kind;
  readonly action: Action;
  readonly client: ClientFlags;
  /** Print the server's JSON document as-is instead of tables. */
  readonly json: boolean;
};

/** `umbral keys create|list|revoke`. */
export type KeysCommand = AccessCommand<'keys', KeysAction>;
/** `umbral users create|list|set-role|disable|enable`. */
export type UsersCommand = AccessCommand<'users', UsersAction>;

const KEY_ACTIONS: Record<KeysAction['name'], ActionSpec> = {
  create: {
    positionals: [],
    options: {
      name: { type: 'string' }, scope: { type: 'string', multiple: true }, model: { type: 'string', multiple: true },
      expires: { type: 'string' }, rps: { type: 'string' }, rpm: { type: 'string' }, concurrent: { type: 'string' },
    },
  },
  list: { positionals: [], options: {} },
  revoke: { positionals: ['ID'], options: {} },
};

const USER_ACTIONS: Record<UsersAction['name'], ActionSpec> = {
  create: { positionals: ['USERNAME'], options: { role: { type: 'string' } } },
  list: { positionals: [], options: {} },
  'set-role': { positionals: ['USERNAME', 'ROLE'], options: {} },
  disable: { positionals: ['USERNAME'], options: {} },
  enable: { positionals: ['USERNAME'], options: {} },
};

const DURATION_MS: Readonly<Record<string, number>> = { h: 3_600_000, d: 86_400_000 };

/**
 * Parses the arguments after `keys`; `now` (ms since the epoch) anchors a relative `--expires`.
 * Unknown actions, flags, scopes, malformed numbers and durations, and a time in the past throw
 * UMBRAL_ERR_USAGE with a one-line message.
 */
export function parseKeysCommand(argv: readonly string[], now: number = Date.now()): KeysCommand | { readonly kind: 'help' } {
  const parsed = parseAction('keys', argv, KEY_ACTIONS);
  if (parsed.kind === 'help') return parsed;
  const [first = ''] = parsed.positionals;
  const action: KeysAction = parsed.name === 'create' ? { name: 'create', key: newKey(parsed.values, now) }
    : parsed.name === 'revoke' ? { name: 'revoke', id: nonEmpty(first, 'keys revoke: ID') }
      : { name: 'list' };
  return { kind: 'keys', action, client: parsed.client, json: parsed.json };
}

/** Parses the arguments after `users`. Unknown actions, flags and roles throw UMBRAL_ERR_USAGE. */
export function parseUsersCommand(argv: readonly string[]): UsersCommand | { readonly kind: 'help' } {
  const parsed = parseAction('users', argv, USER_ACTIONS);
  if (parsed.kind === 'help') return parsed;
  const { name } = parsed;
  const [first = '', second = ''] = parsed.positionals;
  let action: UsersAction;
  if (name === 'list') {
    action = { name };
  } else {
    const username = nonEmpty(first, `users ${name}: USERNAME`);
    if (name === 'disable' || name === 'enable') action = { name, username };
    else if (name === 'set-role') action = { name, username, role: role(second, 'users set-role: ROLE') };
    else action = { name, username, role: role(stringValue(parsed.values.role), 'users create: --role') };
  }
  return { kind: 'users', action, client: parsed.client, json: parsed.json };
}

function newKey(values: ActionValues, now: number): NewKey {
  const name = stringValue(values.name);
  if (name === undefined || name === '') throw Errors.usage('keys create needs --name NAME (what the key is for); run umbral --help');
  const scopes = stringList(values.scope).flatMap((s) => s.split(',')).map((s) => s.trim());
  if (scopes.length === 0) throw Errors.usage(`keys create needs --scope S (one or more of ${PERMISSIONS.join(', ')}); run umbral --help`);
  const unknown = scopes.find((scope) => !isPermission(scope));
  if (unknown !== undefined) throw Errors.usage(`keys create: unknown scope '${unknown}'; give ${PERMISSIONS.join(', ')}`);
  const models = stringList(values.model);
  for (const model of models) nonEmpty(model, 'keys create: --model');
  const expires = stringValue(values.expires);
  const limits = keyLimits(values);
  return {
    name,
    scopes: [...new Set(scopes.filter(isPermission))],
    ...(models.length > 0 ? { models: [...new Set(models)] } : {}),
    ...(expires === undefined ? {} : { expiresAt: expiryTime(expires, now) }),
    ...(limits === undefined ? {} : { limits }),
  };
}

function keyLimits(values: ActionValues): Limits | undefined {
  const limit = (flag: string) => {
    const raw = stringValue(values[flag]);
    return raw === undefined ? undefined : integerArg(raw, `keys create: --${flag}`, 1);
  };
  const rps = limit('rps');
  const rpm = limit('rpm');
  const concurrent = limit('concurrent');
  if (rps === undefined && rpm === undefined && concurrent === undefined) return undefined;
  return {
    ...(rps === undefined ? {} : { requestsPerSecond: rps }),
    ...(rpm === undefined ? {} : { requestsPerMinute: rpm }),
    ...(concurrent === undefined ? {} : { concurrent }),
  };
}

/** `30d`, `12h`, a date (midnight UTC) or a date-time with an offset, as an ISO-8601 UTC time after `now`. */
function expiryTime(raw: string, now: number): string {
  const relative = /^(\d+)([hd])$/.exec(raw);
  let at: Date;
  if (relative) {
    const [, count = '', unit = ''] = relative;
    at = new Date(now + integerArg(count, 'keys create: --expires count', 1) * (DURATION_MS[unit] ?? 0));
  } else if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/i.test(raw) && isCalendarDate(raw.slice(0, 10))) {
    at = new Date(raw);
  } else {
    throw Errors.usage(`keys create: --expires must be a duration like 30d or 12h, or a date like 2027-01-31 or 2027-01-31T12:00:00Z, got '${raw}'`);
  }
  if (Number.isNaN(at.getTime())) throw Errors.usage(`keys create: --expires '${raw}' is too far in the future`);
  if (at.getTime() <= now) throw Errors.usage(`keys create: --expires '${raw}' is not in the future`);
  return at.toISOString();
}

/** Rejects what Date would roll over, such as 2027-02-30. */
function isCalendarDate(date: string): boolean {
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date;
}

function role(raw: string | undefined, what: string): Role {
  if (raw === undefined) throw Errors.usage(`${what} is needed (one of ${ROLES.join(', ')}); run umbral --help`);
  if (!isRole(raw)) throw Errors.usage(`${what} must be one of ${ROLES.join(', ')}, got '${raw}'`);
  return raw;
}

function nonEmpty(value: string, what: string): string {
  if (value === '') throw Errors.usage(`${what} must not be empty`);
  return value;
}
