import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ClientError } from './client-error.js';
import type { UsersAction } from './parse-access-args.js';
import { runUsersCommand, type UsersIo } from './run-users-command.js';

interface Received { method: string; url: string; authorization?: string; body?: unknown }

const ADMIN_KEY = 'umb_admin';
const ALICE = { id: 2, username: 'alice', role: 'viewer', disabled: false, createdBy: 'user:root', createdAt: '2026-03-01T12:00:00.000Z' };

/** A stand-in for the users part of the admin API: it knows one admin key and one user, and records what it is sent. */
function fakeUsersApi(received: Received[]) {
  return createServer((request: IncomingMessage, response: ServerResponse) => void (async () => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    let text = '';
    for await (const chunk of request) text += String(chunk);
    const { method = '', url = '' } = request;
    const body = text === '' ? undefined : JSON.parse(text) as Record<string, unknown>;
    received.push({ method, url, authorization: request.headers.authorization, body });
    if (request.headers.authorization !== `Bearer ${ADMIN_KEY}`) {
      return send(403, { error: "this credential lacks the 'access:admin' permission; ask an admin for a key or role that has it", code: 'UMBRAL_ERR_FORBIDDEN' },
        { 'x-umbral-error-code': 'UMBRAL_ERR_FORBIDDEN' });
    }
    if (method === 'GET' && url === '/admin/users') return send(200, { users: [ALICE] });
    if (method === 'POST' && url === '/admin/users') {
      return send(201, { id: 3, username: body?.username, role: body?.role, disabled: false, createdBy: 'key:admin', createdAt: '2026-03-02T12:00:00.000Z' });
    }
    const match = /^\/admin\/users\/([^/]+)\/(role|disable|enable)$/.exec(url);
    if (match?.[1] !== 'alice') {
      return send(404, { error: "there is no user named 'nobody'; GET /admin/users lists them", code: 'UMBRAL_ERR_USER_NOT_FOUND' });
    }
    if (method === 'PUT' && match[2] === 'role') return send(200, { ...ALICE, role: body?.role });
    if (method === 'POST' && match[2] !== 'role') return send(200, { ...ALICE, disabled: match[2] === 'disable' });
    return send(405, { error: 'wrong method', code: 'HTTP 405' });
  })());
}

describe('runUsersCommand', () => {
  const received: Received[] = [];
  const server = fakeUsersApi(received);
  let url = '';
  let stdout: string[] = [];
  const CREATE = { name: 'create', username: 'bob', role: 'operator' } as const;
  const io = (env: Record<string, string> = {}, stdin: UsersIo['stdin'] = Readable.from([])): UsersIo =>
    ({ stdout: (text) => stdout.push(text), env, stdin });
  const run = (action: UsersAction, options: { json?: boolean; key?: string; io?: UsersIo } = {}) => runUsersCommand(
    { kind: 'users', action, client: { url, key: options.key ?? ADMIN_KEY }, json: options.json ?? false }, options.io ?? io(),
  );
  const tty = () => Object.assign(new PassThrough(), { isTTY: true });

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => { received.length = 0; stdout = []; });
  after(() => server.close());

  it('create sends the password from UMBRAL_NEW_PASSWORD, which wins over stdin, and shows the user', async () => {
    assert.equal(await run(CREATE, { io: io({ UMBRAL_NEW_PASSWORD: 'from env' }, Readable.from(['from stdin\n'])) }), 0);
    assert.deepEqual(received, [{
      method: 'POST', url: '/admin/users', authorization: `Bearer ${ADMIN_KEY}`, body: { username: 'bob', password: 'from env', role: 'operator' },
    }]);
    assert.equal(stdout.length, 1);
    assert.match(stdout[0] ?? '', /^user +bob\nrole +operator\nstatus +active\ncreated +2026-03-02 12:00:00Z by key:admin$/);
    assert.ok(!(stdout[0] ?? '').includes('from env'), 'the password is never printed');
  });

  it('create reads the first line of a piped stdin, without its line break, spaces kept', async () => {
    await run(CREATE, { io: io({}, Readable.from([' two words \r\n', 'second line\n'])) });
    assert.deepEqual(received[0]?.body, { username: 'bob', password: ' two words ', role: 'operator' });
    await run(CREATE, { io: io({ UMBRAL_NEW_PASSWORD: '' }, Readable.from(['no line break'])) });
    assert.deepEqual(received[1]?.body, { username: 'bob', password: 'no line break', role: 'operator' });
  });

  it('create does not wait for the end of a stdin that stays open', async () => {
    const stdin = new PassThrough();
    stdin.write('pw\n');
    await run(CREATE, { io: io({}, stdin) });
    assert.deepEqual(received[0]?.body, { username: 'bob', password: 'pw', role: 'operator' });
    stdin.destroy();
  });

  it('create refuses, sending nothing, when there is no password or stdin is a terminal', async () => {
    const cases: Array<[UsersIo, RegExp]> = [
      [io({}, tty()), /reads the password from UMBRAL_NEW_PASSWORD or from stdin when piped, never from a flag/],
      [io({}, Readable.from([])), /no password: the first line of stdin is empty/],
      [io({}, Readable.from(['\nsecond'])), /no password/],
    ];
    for (const [input, message] of cases) {
      await assert.rejects(run(CREATE, { io: input }), (error: Error & { code?: string }) =>
        error.code === 'UMBRAL_ERR_USAGE' && message.test(error.message) && !error.message.includes('\n'));
    }
    assert.deepEqual(received, []);
    assert.deepEqual(stdout, []);
  });

  it('list prints a table, or the document with --json', async () => {
    await run({ name: 'list' });
    assert.deepEqual(received, [{ method: 'GET', url: '/admin/users', authorization: `Bearer ${ADMIN_KEY}`, body: undefined }]);
    assert.equal(stdout[0], [
      'USERNAME  ROLE    STATUS  CREATED               BY',
      'alice     viewer  active  2026-03-01 12:00:00Z  user:root',
    ].join('\n'));
    stdout = [];
    await run({ name: 'list' }, { json: true });
    assert.deepEqual(JSON.parse(stdout.join('\n')), { users: [ALICE] });
  });

  it('set-role, disable and enable send what the contract says and show the user as it is now', async () => {
    await run({ name: 'set-role', username: 'alice', role: 'admin' });
    await run({ name: 'disable', username: 'alice' });
    await run({ name: 'enable', username: 'alice' }, { json: true });
    assert.deepEqual(received.map(({ method, url: path, body }) => [method, path, body]), [
      ['PUT', '/admin/users/alice/role', { role: 'admin' }],
      ['POST', '/admin/users/alice/disable', undefined],
      ['POST', '/admin/users/alice/enable', undefined],
    ]);
    assert.ok(received.every((r) => r.authorization === `Bearer ${ADMIN_KEY}`));
    assert.match(stdout[0] ?? '', /^role +admin$/m);
    assert.match(stdout[1] ?? '', /^status +disabled$/m);
    assert.deepEqual(JSON.parse(stdout[2] ?? ''), ALICE);
  });

  it('percent-encodes the username in the path', async () => {
    await assert.rejects(run({ name: 'disable', username: 'no/body one' }), { code: 'UMBRAL_ERR_USER_NOT_FOUND', status: 404 });
    assert.equal(received[0]?.url, '/admin/users/no%2Fbody%20one/disable');
  });

  it('turns a 403 into a ClientError that prints the server\'s message and code, and prints nothing', async () => {
    const actions: UsersAction[] = [{ name: 'list' }, { name: 'set-role', username: 'alice', role: 'admin' }, { name: 'enable', username: 'alice' }];
    for (const action of [...actions, CREATE]) {
      await assert.rejects(run(action, { key: 'umb_viewer', io: io({ UMBRAL_NEW_PASSWORD: 'pw' }) }), (error: ClientError) => {
        assert.ok(error instanceof ClientError);
        assert.equal(error.status, 403);
        assert.deepEqual(error.describe(), ["this credential lacks the 'access:admin' permission; ask an admin for a key or role that has it (UMBRAL_ERR_FORBIDDEN)"]);
        return true;
      }, action.name);
    }
    assert.equal(received.length, 4);
    assert.deepEqual(stdout, []);
  });
});
