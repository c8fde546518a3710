import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ACCESS_DOC, readAccessSection, renderAccessTables } from '../src/access/access-table.js';
import { ROLE_PERMISSIONS, ROLES, type Role } from '../src/access/permissions.js';
import { PACKAGE_ROOT } from '../src/paths.js';
import type { RouteAccessEntry } from '../src/server/plugins/access-control.js';
import { ADMIN_KEY, call, createUser, startSecuredServer, type Answer } from './helpers/access-kit.js';
import type { TestServer } from './helpers/test-server.js';

/** Values for path parameters: real where a real one is harmless, unknown where a change would stick. */
const PARAMS: Record<string, string> = {
  model: 'spam-classifier', version: '1', alias: 'matrix-alias', tag: 'matrix-tag', id: 'no-such-key', username: 'no-such-user', '*': 'x',
};

/** The error code, from the body or (HEAD has none) the header. */
const codeOf = (answer: Answer) => answer.body.code ?? answer.headers.get('x-umbral-error-code');

function concrete(url: string): string {
  return url.replace(/:([a-z]+)/g, (_, name: string) => PARAMS[name] ?? 'x').replace('*', PARAMS['*'] as string);
}

describe('permission matrix: every role against every route', () => {
  let server: TestServer;
  const routes: RouteAccessEntry[] = [];
  const tokens = new Map<Role, string>();

  before(async () => {
    server = await startSecuredServer({ routeTable: routes });
    for (const role of ROLES) tokens.set(role, (await createUser(server, `matrix-${role}`, role)).accessToken);
  });
  after(() => server?.shutdown('test done'));

  it('knows the routes it walks (the table is not empty)', () => {
    const has = (method: string, url: string) => routes.some((r) => r.method === method && r.url === url);
    assert.ok(has('POST', '/v2/models/:model/infer'));
    assert.ok(has('POST', '/admin/keys'));
    assert.ok(has('GET', '/health/ready'));
    assert.ok(routes.length > 40, `only ${routes.length} routes`);
  });

  it('answers each role allowed or 403, never 401 for a valid token, never 5xx', async () => {
    const failures: string[] = [];
    // A logout without a body ends the caller's session: walked last, so the tokens serve every other route.
    const endsSession = (r: RouteAccessEntry) => r.method === 'POST' && r.url === '/auth/logout';
    const walked = routes.filter((r) => r.method !== 'OPTIONS');
    for (const route of [...walked.filter((r) => !endsSession(r)), ...walked.filter(endsSession)]) {
      for (const role of ROLES) {
        const answer = await call(server, route.method, concrete(route.url), { credential: tokens.get(role) as string });
        const allowed = route.access === 'public' || route.access === 'authenticated' || ROLE_PERMISSIONS[role].includes(route.access);
        const refused = answer.status === 401 || answer.status === 403;
        if (answer.status >= 500) failures.push(`${role} ${route.method} ${route.url}: ${answer.status} ${JSON.stringify(answer.body)}`);
        else if (allowed && refused) failures.push(`${role} ${route.method} ${route.url}: refused ${answer.status}, should be allowed`);
        else if (!allowed && (answer.status !== 403 || codeOf(answer) !== 'UMBRAL_ERR_FORBIDDEN')) {
          failures.push(`${role} ${route.method} ${route.url}: ${answer.status}, should be 403 UMBRAL_ERR_FORBIDDEN`);
        }
      }
    }
    assert.deepEqual(failures, []);
  });

  it('answers 401 without a credential on every route that is not public', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.access !== 'public' && r.method !== 'OPTIONS')) {
      const answer = await call(server, route.method, concrete(route.url));
      if (answer.status !== 401 || codeOf(answer) !== 'UMBRAL_ERR_UNAUTHENTICATED') failures.push(`${route.method} ${route.url}: ${answer.status}`);
    }
    assert.deepEqual(failures, []);
  });

  it('lets the bootstrap admin key do everything an admin may', async () => {
    const me = await call(server, 'GET', '/auth/me', { credential: ADMIN_KEY });
    assert.equal(me.status, 200);
    assert.deepEqual(me.body.permissions, [...ROLE_PERMISSIONS.admin].sort());
  });

  it('is documented in the access-control guide exactly as the server enforces it', () => {
    const page = readFileSync(join(PACKAGE_ROOT, ACCESS_DOC), 'utf8');
    const expected = renderAccessTables(routes);
    assert.equal(readAccessSection(page), expected, `the permission matrix in ${ACCESS_DOC} is stale: run npm run docs:access`);
  });
});
