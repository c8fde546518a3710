import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Accounts } from '../../access/accounts.js';
import type { Principal } from '../../access/principal.js';
import { Errors } from '../../errors/catalogue.js';

export interface AuthRoutesDeps {
  readonly accounts: Accounts;
  /** The public signing key set, when tokens are signed with an asymmetric algorithm. */
  readonly jwks: () => { keys: unknown[] } | undefined;
}

const PUBLIC = { access: 'public' } as const;
const AUTHENTICATED = { access: 'authenticated' } as const;
const secret = { type: 'string', minLength: 1, maxLength: 1024 } as const;
const credentials = {
  type: 'object', additionalProperties: false, required: ['username', 'password'],
  properties: { username: { type: 'string', minLength: 1, maxLength: 256 }, password: secret },
} as const;
const refreshBody = {
  type: 'object', additionalProperties: false, required: ['refreshToken'], properties: { refreshToken: secret },
} as const;

const logoutBody = { type: 'object', additionalProperties: false, properties: { refreshToken: secret } } as const;

type Credentials = { Body: { username: string; password: string } };
type Refresh = { Body: { refreshToken: string } };

/** Users' own account routes (docs/guides/access-control.md, "Users and tokens"), and the JWKS document. */
export async function authRoutes(app: FastifyInstance, deps: AuthRoutesDeps): Promise<void> {
  const { accounts } = deps;
  const origin = (request: FastifyRequest) => ({ address: request.ip });

  app.post<Credentials>('/auth/register', { config: PUBLIC, schema: { body: credentials } }, async (request, reply) => {
    await accounts.register(request.body.username, request.body.password, origin(request));
    // The same answer whether the name was free or taken: registration reveals no usernames.
    return reply.code(202).send({ status: 'accepted', message: 'if the username was free, the account exists now: log in with it' });
  });

  app.post<Credentials>('/auth/login', { config: PUBLIC, schema: { body: credentials } }, async (request) =>
    accounts.login(request.body.username, request.body.password, origin(request)));

  app.post<Refresh>('/auth/refresh', { config: PUBLIC, schema: { body: refreshBody } }, async (request) =>
    accounts.refresh(request.body.refreshToken, origin(request)));

  app.post<{ Body: { refreshToken?: string } }>('/auth/logout', {
    config: AUTHENTICATED, schema: { body: logoutBody },
    preValidation: async (request) => { request.body = logoutRequest(request.body); },
  }, async (request, reply) => {
    await accounts.logout(principal(request), request.body.refreshToken, origin(request));
    return reply.code(204).send();
  });

  app.get('/auth/me', { config: AUTHENTICATED }, async (request) => {
    const who = principal(request);
    return {
      kind: who.kind, id: who.id, name: who.name, role: who.role ?? null,
      permissions: [...who.permissions].sort(), models: who.models ?? null, limits: who.limits ?? null,
      expiresAt: who.expiresAt?.toISOString() ?? null,
    };
  });

  app.post<{ Body: { currentPassword: string; newPassword: string } }>('/auth/password', {
    config: AUTHENTICATED,
    schema: {
      body: {
        type: 'object', additionalProperties: false, required: ['currentPassword', 'newPassword'],
        properties: { currentPassword: secret, newPassword: secret },
      },
    },
  }, async (request, reply) => {
    await accounts.changePassword(principal(request), request.body.currentPassword, request.body.newPassword, origin(request));
    return reply.code(204).send();
  });

  app.get('/.well-known/jwks.json', { config: PUBLIC }, async () => {
    const jwks = deps.jwks();
    if (!jwks) throw Errors.routeNotFound('GET', '/.well-known/jwks.json (tokens are signed with a shared HMAC secret, which is never published)');
    return jwks;
  });
}

/**
 * A logout's body: none (or `{}`) ends the session of the access token in use. Anything but
 * `refreshToken` is refused here, not dropped as the validator would: a misspelt field must not end
 * the caller's current session in place of the one meant.
 */
function logoutRequest(body: unknown): { refreshToken?: string } {
  if (body === undefined || body === null) return {};
  const fields = typeof body === 'object' && !Array.isArray(body) ? Object.keys(body) : undefined;
  if (!fields || fields.some((field) => field !== 'refreshToken')) {
    throw Errors.invalidRequest('body', 'send {"refreshToken": "urt_…"} to end that session, or no body (or {}) to end the current one');
  }
  // The schema checks refreshToken's type next.
  return body as { refreshToken?: string };
}

function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw Errors.unauthenticated('this route needs a credential');
  return request.principal;
}
