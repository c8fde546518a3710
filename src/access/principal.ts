import type { Permission, Role } from './permissions.js';

/** The fields of `Limits`, in the order they are shown. */
export const LIMIT_FIELDS = ['requestsPerSecond', 'requestsPerMinute', 'concurrent'] as const;

/** Per-credential request limits; an absent field means no limit of that kind. */
export interface Limits {
  /** Requests per second (sliding window). */
  readonly requestsPerSecond?: number;
  /** Requests per minute (sliding window). */
  readonly requestsPerMinute?: number;
  /** Requests in flight at once. */
  readonly concurrent?: number;
}

/** Who is calling: an API key, a user of ours, a user of an external OpenID Connect issuer, or nobody. */
export interface Principal {
  readonly kind: 'key' | 'user' | 'oidc' | 'anonymous';
  /** Stable and unique across kinds (`key:k3x…`, `user:42`, `oidc:<sub>`, `anonymous`): rate-limit counters use it. */
  readonly id: string;
  /** What the audit log records as the actor (`key:<id>`, `user:<username>`, `oidc:<sub>`). */
  readonly actor: string;
  /** Display name: the key's name or the username. */
  readonly name: string;
  /** A user's role; keys have scopes instead. */
  readonly role?: Role;
  readonly permissions: ReadonlySet<Permission>;
  /** Models this credential may use; undefined = every model. */
  readonly models?: readonly string[];
  /** This credential's own limits, replacing the server's defaults; undefined = the defaults. */
  readonly limits?: Limits;
  /** When this credential stops working (API keys with an expiry); undefined = never. */
  readonly expiresAt?: Date;
  /** The session (refresh-token family) a user's access token belongs to; users only. */
  readonly sessionId?: string;
}

/** The caller when access control is off: may do everything, limited per client address. */
export function anonymousPrincipal(address: string, permissions: ReadonlySet<Permission>): Principal {
  return { kind: 'anonymous', id: `address:${address}`, actor: 'anonymous', name: 'anonymous', permissions };
}
