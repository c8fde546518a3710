/**
 * What a credential may do. Every route declares one `RouteAccess`; a principal holds a set of
 * permissions (from its role, or from an API key's scopes). docs/guides/access-control.md.
 */
export const PERMISSIONS = ['infer', 'admin:read', 'admin:write', 'access:admin', 'feedback'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What a route needs: a permission, any valid credential, or nothing at all. */
export type RouteAccess = Permission | 'authenticated' | 'public';

export const ROLES = ['admin', 'operator', 'viewer', 'client'] as const;
export type Role = (typeof ROLES)[number];

/** The permission matrix; the compiler keeps it complete for every role. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: ['infer', 'admin:read', 'admin:write', 'access:admin', 'feedback'],
  operator: ['infer', 'admin:read', 'admin:write', 'feedback'],
  viewer: ['admin:read'],
  client: ['infer'],
};

/** What each permission allows, for the permission matrix (docs/guides/access-control.md) and `/docs`. */
export const PERMISSION_DOCS: Readonly<Record<Permission, string>> = {
  infer: 'run inference and read model metadata and readiness (`/v2/models/…`)',
  'admin:read': 'read the registry, `/info` and `/metrics`',
  'admin:write': 'change the registry: upload, delete, alias, promote, rollback, reload',
  'access:admin': 'manage API keys and users, read the authentication audit trail',
  feedback: 'post ground-truth labels for logged predictions (`POST /admin/models/{m}/feedback`), nothing else: for labelling jobs',
};

export function isPermission(value: unknown): value is Permission {
  return (PERMISSIONS as readonly unknown[]).includes(value);
}

export function isRole(value: unknown): value is Role {
  return (ROLES as readonly unknown[]).includes(value);
}
