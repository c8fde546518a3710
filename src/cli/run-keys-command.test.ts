import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ClientError } from './client-error.js';
import type { KeysAction } from './parse-access-args.js';
import { KEY_SHOWN_ONCE } from './render-access.js';
import { runKeysCommand } from './run-keys-command.js';

interface Received { method: string; url: string; authorization?: string; contentType?: string; body?: unknown }

const ADMIN_KEY = 'umb_admin';
const LISTED = {
  id: 'k1', name: 'ci', scopes: ['infer'], models: null, limits: null, expiresAt: null, createdBy: 'user:root',
  createdAt: '2026-03-01T12:00:00.000Z', revokedAt: null, revokedBy: null, lastUsedAt: null,
};

/** A stand-in for the keys part of the admin API: it knows one admin key and records what it is sent. */
function fakeKeysApi(received: Received[]) {
  return createServer((request: IncomingMessage, response: ServerResponse) => void (async () => {
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) =>
      response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body === undefined ? undefined : JSON.stringify(body));
    let text = '';
    for await (const chunk of request) text += String(chunk);
    const { method = '', url = '' } = request;
    const body = text === '' ? undefined : JSON.parse(text) as Record<string, unknown>;
    received.push({ method, url, authorization: request.headers.authorization, contentType: request.headers['content-type'], body });
    if (request.headers.authorization !== `Bearer ${ADMIN_KEY}`) {
      return send(403, { error: "this credential lacks the 'access:admin' permission; ask an admin for a key or role that has it", code: 'UMBRAL_ERR_FORBIDDEN' },
        { 'x-umbral-error-code': 'UMBRAL_ERR_FORBIDDEN' });
    }
    if (method === 'POST' && url === '/admin/keys') {
      if (body?.name === 'keyless') return send(201, { ...LISTED, id: 'k7' });
      return send(201, {
        key: 'umb_n3wS3cret', id: 'k9', name: body?.name, scopes: body?.scopes, models: body?.models ?? null, limits: body?.limits ?? null,
        expiresAt: body?.expiresAt ?? null, createdBy: 'key:admin', createdAt: '2026-03-01T12:00:00.000Z', revokedAt: null, revokedBy: null, lastUsedAt: null,
      });
    }
    if (method === 'GET' && url === '/admin/keys') return send(200, { keys: [LISTED] });
    if (method === 'DELETE' && url.startsWith('/admin/keys/')) return send(204);
    return send(404, { error: `route ${method} ${url} not found`, code: 'UMBRAL_ERR_ROUTE_NOT_FOUND' });
  })());
}

describe('runKeysCommand', () => {
  const received: Received[] = [];
  const server = fakeKeysApi(received);
  let url = '';
  let stdout: string[] = [];
  let stderr: string[] = [];
  const run = (action: KeysAction, options: { json?: boolean; key?: string } = {}) => runKeysCommand(
    { kind: 'keys', action, client: { url, key: options.key ?? ADMIN_KEY }, json: options.json ?? false },
    { stdout: (text) => stdout.push(text), stderr: (text) => stderr.push(text) },
  );
  const NEW_KEY = {
    name: 'ci', scopes: ['infer', 'admin:read'], models: ['spam'], expiresAt: '2027-01-31T00:00:00.000Z', limits: { requestsPerSecond: 5 },
  } as const;

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => { received.length = 0; stdout = []; stderr = []; });
  after(() => server.close());

  it('create posts the new key with the bearer key, prints the key alone on stdout and the rest on stderr', async () => {
    assert.equal(await run({ name: 'create', key: NEW_KEY }), 0);
    assert.deepEqual(received, [{ method: 'POST', url: '/admin/keys', authorization: `Bearer ${ADMIN_KEY}`, contentType: 'application/json', body: NEW_KEY }]);
    assert.deepEqual(stdout, ['umb_n3wS3cret']);
    assert.equal(stderr.length, 1);
    const [warning, ...details] = (stderr[0] ?? '').split('\n');
    assert.equal(warning, KEY_SHOWN_ONCE);
    assert.match(details.join('\n'), /^id +k9$/m);
    assert.match(details.join('\n'), /^limits +rps=5$/m);
    assert.ok(!(stderr[0] ?? '').includes('umb_n3wS3cret'), 'the key is on stdout only');
  });

  it('create --json prints the server document, key included, and still warns on stderr', async () => {
    await run({ name: 'create', key: { name: 'ci', scopes: ['infer'] } }, { json: true });
    assert.deepEqual(received[0]?.body, { name: 'ci', scopes: ['infer'] });
    const document = JSON.parse(stdout.join('\n')) as Record<string, unknown>;
    assert.equal(document.key, 'umb_n3wS3cret');
    assert.equal(document.models, null);
    assert.deepEqual(stderr, [KEY_SHOWN_ONCE]);
  });

  it('create fails when the server answers without the key', async () => {
    await assert.rejects(run({ name: 'create', key: { name: 'keyless', scopes: ['infer'] } }), (error: ClientError) =>
      error instanceof ClientError && /holds no key \(id k7\); revoke it/.test(error.message));
    assert.deepEqual(stdout, []);
  });

  it('list prints a table, or the document with --json', async () => {
    await run({ name: 'list' });
    assert.deepEqual(received.map((r) => `${r.method} ${r.url} ${r.authorization}`), [`GET /admin/keys Bearer ${ADMIN_KEY}`]);
    assert.equal(received[0]?.body, undefined);
    const [header, row] = (stdout[0] ?? '').split('\n');
    assert.match(header ?? '', /^ID +NAME +SCOPES +MODELS +EXPIRES +LAST USED +REVOKED$/);
    assert.match(row ?? '', /^k1 +ci +infer +all +never +never +-$/);
    stdout = [];
    await run({ name: 'list' }, { json: true });
    assert.deepEqual(JSON.parse(stdout.join('\n')), { keys: [LISTED] });
  });

  it('revoke deletes the key by its encoded id; with --json it prints nothing', async () => {
    await run({ name: 'revoke', id: 'k/1' });
    assert.deepEqual(received.map((r) => `${r.method} ${r.url}`), ['DELETE /admin/keys/k%2F1']);
    assert.equal(received[0]?.authorization, `Bearer ${ADMIN_KEY}`);
    assert.deepEqual(stdout, ['revoked key k/1']);
    stdout = [];
    assert.equal(await run({ name: 'revoke', id: 'k1' }, { json: true }), 0);
    assert.deepEqual(stdout, []);
  });

  it('turns a 403 into a ClientError that prints the server\'s message and code, and prints nothing', async () => {
    for (const action of [{ name: 'create', key: NEW_KEY }, { name: 'list' }, { name: 'revoke', id: 'k1' }] as const) {
      await assert.rejects(run(action, { key: 'umb_viewer' }), (error: ClientError) => {
        assert.ok(error instanceof ClientError);
        assert.equal(error.status, 403);
        assert.deepEqual(error.describe(), ["this credential lacks the 'access:admin' permission; ask an admin for a key or role that has it (UMBRAL_ERR_FORBIDDEN)"]);
        return true;
      }, action.name);
    }
    assert.deepEqual(received.map((r) => r.authorization), ['Bearer umb_viewer', 'Bearer umb_viewer', 'Bearer umb_viewer']);
    assert.deepEqual(stdout, []);
    assert.deepEqual(stderr, []);
  });
});
