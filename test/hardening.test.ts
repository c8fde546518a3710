import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config/load-config.js';
import { ADMIN_KEY, call, startSecuredServer } from './helpers/access-kit.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

describe('hardening: headers and CORS', () => {
  let server: TestServer;
  before(async () => {
    server = await startSecuredServer({ models: {}, overrides: { 'server.corsOrigins': ['https://app.example.com'], 'server.corsCredentials': true } });
  });
  after(() => server?.shutdown('test done'));

  it('sends security headers on answers and errors alike', async () => {
    for (const answer of [await call(server, 'GET', '/health/live'), await call(server, 'GET', '/admin/models')]) {
      assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(answer.headers.get('x-frame-options'), 'DENY');
      assert.match(answer.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      assert.match(answer.headers.get('strict-transport-security') ?? '', /max-age=/);
      assert.equal(answer.headers.get('referrer-policy'), 'no-referrer');
    }
  });

  it('serves the docs page with the CSP its scripts need', async () => {
    const answer = await fetch(`${server.url}/docs/static/index.html`);
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  });

  it('allows listed origins only, with credentials, never *', async () => {
    const allowed = await call(server, 'GET', '/health/live', { headers: { origin: 'https://app.example.com' } });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true');
    const other = await call(server, 'GET', '/health/live', { headers: { origin: 'https://evil.example.net' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const preflight = await call(server, 'OPTIONS', '/v2/models/x/infer', {
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/);
  });

  it('refuses `*` together with credentials at start', () => {
    assert.throws(() => loadConfig({ env: { UMBRAL_CORS_ORIGINS: '*', UMBRAL_CORS_CREDENTIALS: 'true' } }), /cannot be combined/);
  });

  it('refuses self-registration unless it is opened', async () => {
    const answer = await call(server, 'POST', '/auth/register', { body: { username: 'walk-in', password: 'a fine long passphrase 1' } });
    assert.equal(answer.status, 403);
    assert.equal(answer.body.code, 'UMBRAL_ERR_REGISTRATION_CLOSED');
  });

  it('publishes no JWKS for a shared HMAC secret', async () => {
    assert.equal((await call(server, 'GET', '/.well-known/jwks.json')).status, 404);
  });

  it('keeps the admin key out of the log', () => {
    assert.ok(!JSON.stringify(server.logLines()).includes(ADMIN_KEY));
  });
});

describe('development mode', () => {
  it('says loudly at start that access control is off, and lets anyone in', async () => {
    const server = await startTestServer({ models: {} });
    try {
      const warning = server.logLines().find((line) => String(line.msg).includes('ACCESS CONTROL IS OFF'));
      assert.equal(warning?.level, 40);
      assert.equal((await call(server, 'GET', '/admin/models')).status, 200);
      assert.equal((await call(server, 'GET', '/auth/me')).body.kind, 'anonymous');
    } finally {
      await server.shutdown('test done');
    }
  });
});
