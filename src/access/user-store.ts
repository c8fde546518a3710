import { Errors } from '../errors/catalogue.js';
import type { Database, Queryable } from '../store/database.js';
import { ACCESS_CHANNEL, type AccessChange } from './access-channel.js';
import { appendAuthEvent } from './auth-events.js';
import { ROLES, isRole, type Role } from './permissions.js';
import { revokeUserRefreshTokens } from './refresh-token-store.js';
import { normalizeUsername, tryNormalizeUsername } from './usernames.js';

/** A user as the admin API shows it; the password hash is read only by `findForLogin`. */
export interface UserRecord {
  /** Decimal id (int8 in the store). */
  id: string;
  /** Normalized (see `normalizeUsername`). */
  username: string;
  role: Role;
  disabled: boolean;
  /** Access tokens carrying another generation are refused; bumped by every change that must end them. */
  tokenGeneration: number;
  /** The actor that created it (`user:alice`, `key:<id>`, `anonymous` for open registration). */
  createdBy: string;
  createdAt: Date;
  passwordChangedAt: Date;
}

/** A user to create: the hash comes from the password module and is stored as given. */
export interface NewUser {
  readonly username: string;
  readonly passwordHash: string;
  readonly role: Role;
}

/**
 * Decides, inside the change's transaction and with the user's row locked, whether a change of
 * `user` may go ahead; throws to refuse it (nothing is changed).
 */
export type ChangeCheck = (user: UserRecord) => void;

const USERS: AccessChange = 'users';
const COLUMNS = `id, username, role, disabled_at IS NOT NULL AS disabled, token_generation, created_by, created_at,
  password_changed_at`;
/** Ids are bigserial: anything else (a forged token's `sub`) matches no one, without a cast error. */
const USER_ID = /^[1-9][0-9]{0,17}$/;

interface UserRow {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  token_generation: number;
  created_by: string;
  created_at: Date;
  password_changed_at: Date;
}

/**
 * Users in the store. Every change runs in one transaction that appends to the authentication
 * trail and notifies ACCESS_CHANNEL `users`, so that every replica's directory reloads.
 */
export class UserStore {
  constructor(private readonly db: Database) {}

  /** Creates a user; UMBRAL_ERR_USER_EXISTS when the normalized name is taken. */
  async create(input: NewUser, actor: string, address?: string, action: 'user.create' | 'register' = 'user.create'): Promise<UserRecord> {
    const user = checkNewUser(input);
    return this.db.transaction(async (tx) => {
      const created = await insertUser(tx, user, actor);
      if (!created) throw Errors.userExists(user.username);
      await appendAuthEvent(tx, { actor, action, subject: created.username, address, detail: { role: created.role } });
      await this.db.notify(ACCESS_CHANNEL, USERS, tx);
      return created;
    });
  }

  /**
   * Open registration: creates the user, or resolves undefined when the name is taken. Both ways
   * run the same statements (insert, event, notify), so neither the answer nor its timing tells
   * whether the name exists; the event's `created` says which happened, for admins only.
   */
  async createIfAbsent(input: NewUser, actor: string, address?: string, action: 'user.create' | 'register' = 'user.create'): Promise<UserRecord | undefined> {
    const user = checkNewUser(input);
    return this.db.transaction(async (tx) => {
      const created = await insertUser(tx, user, actor);
      await appendAuthEvent(tx, { actor, action, subject: user.username, address, detail: { role: user.role, created: created !== undefined } });
      await this.db.notify(ACCESS_CHANNEL, USERS, tx);
      return created;
    });
  }

  /** The user and its password hash; undefined for an unknown or invalid name (disabled users included). */
  async findForLogin(username: string): Promise<{ user: UserRecord; passwordHash: string } | undefined> {
    const name = tryNormalizeUsername(username);
    if (name === undefined) return undefined;
    const [row] = await this.db.query<UserRow & { password_hash: string }>(
      `SELECT ${COLUMNS}, password_hash FROM umbral_users WHERE username = $1`, [name]);
    return row && { user: toRecord(row), passwordHash: row.password_hash };
  }

  /** The user of that name, in any spelling that normalizes to it; undefined for an unknown or invalid name. */
  async get(username: string): Promise<UserRecord | undefined> {
    const name = tryNormalizeUsername(username);
    if (name === undefined) return undefined;
    const [row] = await this.db.query<UserRow>(`SELECT ${COLUMNS} FROM umbral_users WHERE username = $1`, [name]);
    return row && toRecord(row);
  }

  /** The user with that id; undefined for an unknown id or anything that is not one. */
  async getById(id: string): Promise<UserRecord | undefined> {
    if (!USER_ID.test(String(id))) return undefined;
    const [row] = await this.db.query<UserRow>(`SELECT ${COLUMNS} FROM umbral_users WHERE id = $1`, [id]);
    return row && toRecord(row);
  }

  /** Every user, by name. */
  async list(): Promise<UserRecord[]> {
    const rows = await this.db.query<UserRow>(`SELECT ${COLUMNS} FROM umbral_users ORDER BY username`);
    return rows.map(toRecord);
  }

  /**
   * Gives a user another role; access tokens carrying the old one stop working. Refuses to demote
   * the last enabled admin (UMBRAL_ERR_LAST_ADMIN). The same role again changes nothing. `allow`
   * sees the user as locked, before any change, and throws to refuse it.
   */
  async setRole(username: string, role: Role, actor: string, address?: string, allow: ChangeCheck = () => {}): Promise<UserRecord> {
    if (!isRole(role)) throw Errors.invalidRequest('role', `must be one of ${ROLES.join(', ')}`);
    return this.db.transaction(async (tx) => {
      const { user, lastAdmin } = await lockForChange(tx, username);
      allow(user);
      if (user.role === role) return user;
      if (lastAdmin) throw Errors.lastAdmin(user.username);
      const changed = await updateUser(tx, user.id, 'role = $2, token_generation = token_generation + 1', [role]);
      await appendAuthEvent(tx, { actor, action: 'user.role', subject: user.username, address, detail: { from: user.role, to: role } });
      await this.db.notify(ACCESS_CHANNEL, USERS, tx);
      return changed;
    });
  }

  /**
   * Disables a user (every access and refresh token of theirs stops working) or enables it again.
   * Refuses to disable the last enabled admin; the state it already has changes nothing. `allow`
   * as for `setRole`.
   */
  async setDisabled(username: string, disabled: boolean, actor: string, address?: string, allow: ChangeCheck = () => {}): Promise<UserRecord> {
    return this.db.transaction(async (tx) => {
      const { user, lastAdmin } = await lockForChange(tx, username);
      allow(user);
      if (user.disabled === disabled) return user;
      if (disabled && lastAdmin) throw Errors.lastAdmin(user.username);
      const changed = disabled
        ? await updateUser(tx, user.id, 'disabled_at = now(), token_generation = token_generation + 1', [])
        : await updateUser(tx, user.id, 'disabled_at = NULL', []);
      if (disabled) await revokeUserRefreshTokens(tx, user.id);
      await appendAuthEvent(tx, { actor, action: disabled ? 'user.disable' : 'user.enable', subject: user.username, address });
      await this.db.notify(ACCESS_CHANNEL, USERS, tx);
      return changed;
    });
  }

  /** Stores a new password hash; every access and refresh token of the user stops working. */
  async changePassword(userId: string, newHash: string, actor: string, address?: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [row] = USER_ID.test(String(userId))
        ? await tx.query<{ username: string }>(
          `UPDATE umbral_users SET password_hash = $2, password_changed_at = now(), token_generation = token_generation + 1
           WHERE id = $1 RETURNING username`, [userId, newHash])
        : [];
      if (!row) throw Errors.userNotFound(String(userId).slice(0, 64));
      await revokeUserRefreshTokens(tx, userId);
      await appendAuthEvent(tx, { actor, action: 'password.change', subject: row.username, address });
      await this.db.notify(ACCESS_CHANNEL, USERS, tx);
    });
  }

  /** Every user, as the in-memory directory holds them. */
  async loadDirectory(): Promise<Array<Pick<UserRecord, 'id' | 'username' | 'role' | 'disabled' | 'tokenGeneration'>>> {
    const rows = await this.db.query<UserRow>(`SELECT ${COLUMNS} FROM umbral_users`);
    return rows.map((row) => {
      const { id, username, role, disabled, tokenGeneration } = toRecord(row);
      return { id, username, role, disabled, tokenGeneration };
    });
  }
}

function checkNewUser(input: NewUser): NewUser {
  if (!isRole(input.role)) throw Errors.invalidRequest('role', `must be one of ${ROLES.join(', ')}`);
  return { ...input, username: normalizeUsername(input.username) };
}

async function insertUser(tx: Queryable, user: NewUser, actor: string): Promise<UserRecord | undefined> {
  // ON CONFLICT, not a caught unique violation: a concurrent insert of the same name waits and then
  // does nothing, and the transaction stays usable for the event either way.
  const [row] = await tx.query<UserRow>(
    `INSERT INTO umbral_users (username, password_hash, role, created_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (username) DO NOTHING RETURNING ${COLUMNS}`, [user.username, user.passwordHash, user.role, actor]);
  return row && toRecord(row);
}

/**
 * Locks the enabled admins' rows, then the user's, and tells whether the user is the last enabled
 * admin. The admins always first and in id order: two changes cannot deadlock, and of two
 * concurrent demotions of the last two admins the second waits, then counts one and is refused.
 */
async function lockForChange(tx: Queryable, username: string): Promise<{ user: UserRecord; lastAdmin: boolean }> {
  const admins = await tx.query(`SELECT id FROM umbral_users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE`);
  const name = tryNormalizeUsername(username);
  const [row] = name === undefined ? [] : await tx.query<UserRow>(`SELECT ${COLUMNS} FROM umbral_users WHERE username = $1 FOR UPDATE`, [name]);
  if (!row) throw Errors.userNotFound(name ?? String(username).slice(0, 64));
  const user = toRecord(row);
  return { user, lastAdmin: user.role === 'admin' && !user.disabled && admins.length <= 1 };
}

async function updateUser(tx: Queryable, id: string, set: string, params: unknown[]): Promise<UserRecord> {
  const [row] = await tx.query<UserRow>(`UPDATE umbral_users SET ${set} WHERE id = $1 RETURNING ${COLUMNS}`, [id, ...params]);
  if (!row) throw Errors.internal('updating a locked user returned no row');
  return toRecord(row);
}

function toRecord(row: UserRow): UserRecord {
  return {
    id: String(row.id), username: row.username, role: row.role, disabled: row.disabled,
    tokenGeneration: Number(row.token_generation), createdBy: row.created_by,
    createdAt: new Date(row.created_at), passwordChangedAt: new Date(row.password_changed_at),
  };
}
