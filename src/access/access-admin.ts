import { Errors } from '../errors/catalogue.js';
import type { NewApiKey } from './api-key-input.js';
import { boundNewKey, checkMayManageUsers, checkPermissionsHeld, checkRoleHeld } from './grant-rules.js';
import type { ApiKeyRecord, KeyStore } from './key-store.js';
import { checkPassword } from './password-policy.js';
import { hashPassword } from './passwords.js';
import { ROLES, isRole, type Role } from './permissions.js';
import type { Limits, Principal } from './principal.js';
import type { UserRecord, UserStore } from './user-store.js';

export interface AccessAdminDeps {
  readonly keys: KeyStore;
  readonly users: UserStore;
  readonly passwordMinLength: number;
  /** The limits users get: the server's defaults (`rateLimit.*`). */
  readonly defaultLimits: Limits;
}

/** A user an admin creates. */
export interface NewUserRequest {
  readonly username: string;
  readonly password: string;
  readonly role: Role;
}

/**
 * The changes to API keys and users that admin callers make, each bounded by what the caller holds
 * itself (grant-rules.ts, docs/guides/access-control.md). The one way routes change credentials,
 * so that no path skips a rule. Checks that depend on a user's current role run inside the
 * change's transaction, with the user's row locked.
 */
export class AccessAdmin {
  constructor(private readonly deps: AccessAdminDeps) {}

  /** Creates a key within the caller's scopes, models, limits and expiry; omitted ones are the caller's. */
  createKey(caller: Principal, request: NewApiKey, address?: string): Promise<{ record: ApiKeyRecord; key: string }> {
    return this.deps.keys.create(boundNewKey(caller, request), caller.actor, address);
  }

  /** Revokes a key the caller holds every scope of. */
  async revokeKey(caller: Principal, id: string, address?: string): Promise<ApiKeyRecord> {
    const key = await this.deps.keys.get(id);
    if (!key) throw Errors.keyNotFound(id);
    checkPermissionsHeld(caller, key.scopes);
    return this.deps.keys.revoke(id, caller.actor, address);
  }

  /** Creates a user with a role the caller holds every permission of. */
  async createUser(caller: Principal, request: NewUserRequest, address?: string): Promise<UserRecord> {
    this.#checkRole(caller, request.role);
    checkPassword(request.password, { minLength: this.deps.passwordMinLength, username: request.username });
    const passwordHash = await hashPassword(request.password);
    return this.deps.users.create({ username: request.username, passwordHash, role: request.role }, caller.actor, address);
  }

  /** Gives a user a role; the caller must hold every permission of both the new and the current role. */
  setRole(caller: Principal, username: string, role: Role, address?: string): Promise<UserRecord> {
    this.#checkRole(caller, role);
    return this.deps.users.setRole(username, role, caller.actor, address, (user) => this.#checkCurrent(caller, user));
  }

  /** Disables or enables a user; the caller must hold every permission of the user's role. */
  setDisabled(caller: Principal, username: string, disabled: boolean, address?: string): Promise<UserRecord> {
    checkMayManageUsers(caller, this.deps.defaultLimits);
    return this.deps.users.setDisabled(username, disabled, caller.actor, address, (user) => this.#checkCurrent(caller, user));
  }

  #checkRole(caller: Principal, role: Role): void {
    if (!isRole(role)) throw Errors.invalidRequest('role', `must be one of ${ROLES.join(', ')}`);
    checkMayManageUsers(caller, this.deps.defaultLimits);
    checkRoleHeld(caller, role);
  }

  #checkCurrent(caller: Principal, user: UserRecord): void {
    checkRoleHeld(caller, user.role, `the current role '${user.role}' of user '${user.username}'`);
  }
}
