import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessAdmin } from '../../access/access-admin.js';
import type { AccessDirectory } from '../../access/access-directory.js';
import { readAuthEvents } from '../../access/auth-events.js';
import type { ApiKeyRecord, KeyStore } from '../../access/key-store.js';
import { PERMISSIONS, ROLES, type Permission, type Role } from '../../access/permissions.js';
import type { Limits, Principal } from '../../access/principal.js';
import type { UserRecord, UserStore } from '../../access/user-store.js';
import { Errors } from '../../errors/catalogue.js';
import type { Queryable } from '../../store/database.js';
import { pageQuerySchema, type PageQuery } from './page-query.js';

export interface AdminAccessDeps {
  readonly db: Queryable;
  readonly keys: KeyStore;
  readonly users: UserStore;
  /** Every change to keys and users goes through it: it bounds each by what the caller holds. */
  readonly admin: AccessAdmin;
  readonly directory: AccessDirectory;
}

const ADMIN = { access: 'access:admin' } as const;
const role = { type: 'string', enum: [...ROLES] } as const;
const count = { type: 'integer', minimum: 1, maximum: 1_000_000_000 } as const;
const keyBody = {
  type: 'object', additionalProperties: false, required: ['name', 'scopes'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    scopes: { type: 'array', minItems: 1, maxItems: PERMISSIONS.length, uniqueItems: true, items: { type: 'string', enum: [...PERMISSIONS] } },
    models: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string', minLength: 1, maxLength: 128 } },
    expiresAt: { type: 'string', format: 'date-time' },
    limits: {
      type: 'object', additionalProperties: false,
      properties: { requestsPerSecond: count, requestsPerMinute: count, concurrent: count },
    },
  },
} as const;
const userParams = { type: 'object', required: ['username'], properties: { username: { type: 'string', minLength: 1, maxLength: 256 } } } as const;

type KeyInput = { Body: { name: string; scopes: Permission[]; models?: string[]; expiresAt?: string; limits?: Limits } };
type UserParams = { Params: { username: string } };

/** API keys, users and the authentication trail (docs/guides/access-control.md). */
export async function adminAccessRoutes(app: FastifyInstance, deps: AdminAccessDeps): Promise<void> {
  const { keys, users, admin, directory } = deps;

  app.post<KeyInput>('/admin/keys', { config: ADMIN, schema: { body: keyBody } }, async (request, reply) => {
    const { expiresAt, ...rest } = request.body;
    // Left-out models, limits and expiry are the caller's own (a key never outgrows its maker).
    const created = await admin.createKey(principal(request), { ...rest, ...(expiresAt === undefined ? {} : { expiresAt: new Date(expiresAt) }) }, request.ip);
    await directory.refresh('keys');
    return reply.code(201).send({ key: created.key, ...keyJson(created.record) });
  });

  app.get('/admin/keys', { config: ADMIN }, async () => {
    // Last-used times are written in batches; write this replica's pending ones so the list is current.
    await directory.flush();
    return { keys: (await keys.list()).map(keyJson) };
  });

  app.delete<{ Params: { id: string } }>('/admin/keys/:id', {
    config: ADMIN, schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } } },
  }, async (request, reply) => {
    await admin.revokeKey(principal(request), request.params.id, request.ip);
    await directory.refresh('keys');
    return reply.code(204).send();
  });

  app.post<{ Body: { username: string; password: string; role: Role } }>('/admin/users', {
    config: ADMIN,
    schema: {
      body: {
        type: 'object', additionalProperties: false, required: ['username', 'password', 'role'],
        properties: { username: { type: 'string', minLength: 1, maxLength: 256 }, password: { type: 'string', minLength: 1, maxLength: 1024 }, role },
      },
    },
  }, async (request, reply) => {
    const user = await admin.createUser(principal(request), request.body, request.ip);
    await directory.refresh('users');
    return reply.code(201).send(userJson(user));
  });

  app.get('/admin/users', { config: ADMIN }, async () => ({ users: (await users.list()).map(userJson) }));

  app.put<UserParams & { Body: { role: Role } }>('/admin/users/:username/role', {
    config: ADMIN,
    schema: { params: userParams, body: { type: 'object', additionalProperties: false, required: ['role'], properties: { role } } },
  }, async (request) => {
    const user = await admin.setRole(principal(request), request.params.username, request.body.role, request.ip);
    await directory.refresh('users');
    return userJson(user);
  });

  for (const action of ['disable', 'enable'] as const) {
    app.post<UserParams>(`/admin/users/:username/${action}`, { config: ADMIN, schema: { params: userParams } }, async (request) => {
      const user = await admin.setDisabled(principal(request), request.params.username, action === 'disable', request.ip);
      await directory.refresh('users');
      return userJson(user);
    });
  }

  app.get<{ Querystring: PageQuery }>('/admin/auth/events', {
    config: ADMIN, schema: { querystring: pageQuerySchema },
  }, async (request) => ({ events: await readAuthEvents(deps.db, request.query.limit ?? 100, request.query.before) }));
}

function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw Errors.unauthenticated('this route needs a credential');
  return request.principal;
}

function keyJson(record: ApiKeyRecord) {
  return {
    id: record.id, name: record.name, scopes: record.scopes, models: record.models, limits: record.limits,
    expiresAt: record.expiresAt?.toISOString() ?? null, createdBy: record.createdBy, createdAt: record.createdAt.toISOString(),
    revokedAt: record.revokedAt?.toISOString() ?? null, revokedBy: record.revokedBy, lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
  };
}

function userJson(user: UserRecord) {
  return { id: user.id, username: user.username, role: user.role, disabled: user.disabled, createdBy: user.createdBy, createdAt: user.createdAt.toISOString() };
}
