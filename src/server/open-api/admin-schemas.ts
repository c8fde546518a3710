import { PERMISSIONS, ROLES } from '../../access/permissions.js';
import { manifestSchema } from '../../model/manifest.js';
import { policySchema } from '../../model/policy.js';
import {
  anyObject, arrayOf, boolean, dateTime, integer, mapOf, nullable, number, object, string, type Schema,
} from './operation-doc.js';
import { fromZod } from './wire-schemas.js';

const status = { type: 'string', description: "`ready`, `loading`, `failed`, `unavailable` or `not loaded`" };
const permission = { type: 'string', enum: [...PERMISSIONS] };
const role = { type: 'string', enum: [...ROLES] };
const limits = object({ requestsPerSecond: integer, requestsPerMinute: integer, concurrent: integer }, ['requestsPerSecond', 'requestsPerMinute', 'concurrent']);
const servers = arrayOf('UpstreamServer');
/** Null: no limits of its own. */
const LIMITS = nullable(limits);

/** The admin API's bodies (routes/admin-json.ts and the admin routes), and those of auth and operations. */
const REGISTRY_SCHEMAS: Readonly<Record<string, Schema>> = {
  Manifest: { ...fromZod(manifestSchema), description: 'what a version is and how it is served (docs/guides/model-registry.md)' },
  Model: object({
    name: string, description: nullable(string), createdBy: string, createdAt: dateTime, aliases: mapOf(integer), latestVersion: nullable(integer),
    serving: object({ version: nullable(string), status }),
  }),
  ModelVersion: object({
    model: string, version: integer, sha256: string, size: integer, manifest: { $ref: '#/components/schemas/Manifest' },
    tags: arrayOf(string), createdBy: string, createdAt: dateTime,
  }),
  ModelDetail: { allOf: [{ $ref: '#/components/schemas/Model' }, object({ versions: arrayOf('ModelVersion') })] },
  ModelReloaded: { allOf: [{ $ref: '#/components/schemas/Model' }, object({ failed: arrayOf(object({ version: string, reason: string })) })] },
  ModelList: object({ models: arrayOf('Model') }),
  VersionList: object({ versions: arrayOf('ModelVersion') }),
  AuditEntry: object({
    id: integer, actor: string, at: dateTime, action: string, subject: string, from: nullable(string), to: nullable(string),
    detail: { ...anyObject, description: 'more about the change, when it carries any: a forced promotion\'s `forced: {reason, differences}`, a promotion\'s `backup`' },
  }, ['detail']),
  AuditLog: object({ entries: arrayOf('AuditEntry') }),
  Policy: { ...fromZod(policySchema), description: "a model's serving policy (docs/guides/model-registry.md, \"Serving policy\")" },
  PolicyView: object({ model: string, revision: integer, policy: { $ref: '#/components/schemas/Policy' }, updatedBy: nullable(string), updatedAt: nullable(dateTime) }),
  PolicyHistory: object({
    model: string,
    revisions: arrayOf(object({ revision: integer, actor: string, at: dateTime, changes: anyObject, policy: { $ref: '#/components/schemas/Policy' } })),
  }),
};

const SERVING_SCHEMAS: Readonly<Record<string, Schema>> = {
  UpstreamServer: object({ url: string, healthy: boolean, breaker: { type: 'string', enum: ['closed', 'open', 'half-open'] }, outstanding: integer }),
  Breakers: object({ upstreams: arrayOf(object({ model: string, version: string, servers })) }),
  ModelServers: object({ model: string, revision: integer, upstreams: arrayOf(object({ version: string, servers })) }, ['revision']),
  UpstreamRepository: object({
    model: string, models: arrayOf(object({ server: string, name: string, version: string, state: string, reason: string }, ['version', 'state', 'reason'])),
  }),
  RepositoryAction: object({ model: string, remote: string, loaded: boolean, unloaded: boolean }, ['loaded', 'unloaded']),
  CacheStats: object({
    store: { type: 'string', enum: ['memory', 'redis'] }, sharedStoreUp: boolean,
    models: mapOf(object({
      enabled: boolean, ttlSeconds: number, scope: string, hits: integer, misses: integer, stale: integer,
      hitRate: nullable(number), memory: nullable(anyObject),
    }, ['ttlSeconds', 'scope'])),
  }),
  CacheCleared: object({ model: nullable(string), removed: integer, store: string }),
};

const ACCESS_SCHEMAS: Readonly<Record<string, Schema>> = {
  ApiKey: object({
    id: string, name: string, scopes: arrayOf(permission), models: nullable(arrayOf(string)), limits: LIMITS,
    expiresAt: nullable(dateTime), createdBy: string, createdAt: dateTime, revokedAt: nullable(dateTime), revokedBy: nullable(string), lastUsedAt: nullable(dateTime),
  }),
  CreatedApiKey: { allOf: [object({ key: { ...string, description: 'the key itself: shown once, stored only hashed' } }), { $ref: '#/components/schemas/ApiKey' }] },
  ApiKeyList: object({ keys: arrayOf('ApiKey') }),
  User: object({ id: string, username: string, role, disabled: boolean, createdBy: string, createdAt: dateTime }),
  UserList: object({ users: arrayOf('User') }),
  AuthEvents: object({
    events: arrayOf(object({ id: integer, at: dateTime, actor: string, action: string, subject: nullable(string), address: nullable(string), detail: nullable(anyObject) })),
  }),
  TokenPair: object({
    accessToken: string, tokenType: { type: 'string', enum: ['Bearer'] }, expiresIn: { ...integer, description: 'seconds' },
    refreshToken: string, refreshExpiresIn: { ...integer, description: 'seconds' },
  }),
  Registered: object({ status: { type: 'string', enum: ['accepted'] }, message: string }),
  Me: object({
    kind: { type: 'string', enum: ['key', 'user', 'oidc', 'anonymous'] }, id: string, name: string, role: nullable(role),
    permissions: arrayOf(permission), models: nullable(arrayOf(string)), limits: LIMITS, expiresAt: nullable(dateTime),
  }),
  Jwks: object({ keys: arrayOf(anyObject) }),
};

const OPERATIONS_SCHEMAS: Readonly<Record<string, Schema>> = {
  Live: object({ status: { type: 'string', enum: ['live'] } }),
  Readiness: object({
    status: { type: 'string', enum: ['ready', 'not ready'] }, problems: arrayOf(string), models: mapOf(status), fallbacks: mapOf(string),
    store: object({ kind: string, up: boolean, since: dateTime, error: string }, ['error']),
  }, ['store']),
  Info: {
    ...object({
      name: string, version: string, uptimeSeconds: number, process: object({ pid: integer, worker: nullable(integer) }), ready: boolean,
      models: arrayOf(anyObject), cache: { $ref: '#/components/schemas/CacheStats' }, limits: anyObject, config: { ...anyObject, description: 'the configuration, secrets redacted' },
    }),
  },
};

export const ADMIN_SCHEMAS: Readonly<Record<string, Schema>> = { ...REGISTRY_SCHEMAS, ...SERVING_SCHEMAS, ...ACCESS_SCHEMAS, ...OPERATIONS_SCHEMAS };
