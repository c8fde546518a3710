import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { call, startSecuredServer } from './helpers/access-kit.js';
import type { TestServer } from './helpers/test-server.js';

const ISSUER = 'https://idp.example.com/realms/ml';

/** An identity provider's key set served over real HTTP, as umbral would fetch it. */
describe('tokens from an external OpenID Connect issuer', () => {
  let idp: Server;
  let server: TestServer;
  let privateKey: CryptoKey;
  const token = (claims: Record<string, unknown>, audience = 'umbral-api') => new SignJWT({ preferred_username: 'ola', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(ISSUER).setAudience(audience).setSubject('8d1c')
    .setIssuedAt().setExpirationTime('5m').sign(privateKey);

  before(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] });
    idp = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    const address = idp.address() as { port: number };
    server = await startSecuredServer({
      models: {},
      overrides: {
        'oidc.issuer': ISSUER, 'oidc.audience': 'umbral-api', 'oidc.jwksUrl': `http://127.0.0.1:${address.port}/certs`,
        'oidc.rolesClaim': 'groups', 'oidc.roleMap': ['ml-admins=admin', 'ml-readers=viewer'],
      },
    });
  });
  after(async () => {
    await server?.shutdown('test done');
    idp?.close();
  });

  it('maps the strongest group to a role and applies its permissions', async () => {
    const viewer = await token({ groups: ['staff', 'ml-readers'] });
    const me = await call(server, 'GET', '/auth/me', { credential: viewer });
    assert.deepEqual({ status: me.status, kind: me.body.kind, role: me.body.role, name: me.body.name }, { status: 200, kind: 'oidc', role: 'viewer', name: 'ola' });
    assert.equal((await call(server, 'GET', '/admin/models', { credential: viewer })).status, 200);
    assert.equal((await call(server, 'POST', '/admin/models', { credential: viewer, body: { name: 'x' } })).status, 403);
    const admin = await token({ groups: ['ml-readers', 'ml-admins'] });
    assert.equal((await call(server, 'GET', '/admin/users', { credential: admin })).status, 200);
  });

  it('refuses a token with no mapped group, or for another audience', async () => {
    for (const refused of [await token({ groups: ['staff'] }), await token({ groups: ['ml-admins'] }, 'another-api')]) {
      const answer = await call(server, 'GET', '/auth/me', { credential: refused });
      assert.equal(answer.status, 401);
      assert.equal(answer.body.code, 'UMBRAL_ERR_TOKEN_INVALID');
    }
  });
});
