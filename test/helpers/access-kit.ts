import { startTestServer, type TestServer, type TestServerOptions } from './test-server.js';

/** The bootstrap admin key and signing secret of access-controlled test servers. */
export const ADMIN_KEY = 'test-admin-key-0123456789abcdef-0123456789';
export const JWT_SECRET = 'test-jwt-secret-0123456789abcdef-0123456789';
/** A password the policy accepts (long, not common, not the username). */
export const GOOD_PASSWORD = 'correct horse battery staple 42';

/** A server with access control on, `ADMIN_KEY` as its first admin and `JWT_SECRET` signing tokens. */
export function startSecuredServer(options: TestServerOptions = {}): Promise<TestServer> {
  return startTestServer({
    ...options,
    overrides: { 'auth.mode': 'on', 'auth.adminKey': ADMIN_KEY, 'auth.jwtSecret': JWT_SECRET, ...options.overrides },
  });
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

/** One request with a bearer credential (or none) and an optional JSON body. */
export async function call(server: { url: string }, method: string, path: string, options: { credential?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.credential !== undefined) headers.authorization = `Bearer ${options.credential}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.url}${path}`, {
    method, headers, body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try { body = text ? JSON.parse(text) as Record<string, unknown> : {}; } catch { body = { text }; }
  return { status: response.status, headers: response.headers, body };
}

/** Creates an API key through the admin API and returns its text. */
export async function createKey(server: { url: string }, spec: Record<string, unknown>, credential = ADMIN_KEY): Promise<{ key: string; id: string }> {
  const answer = await call(server, 'POST', '/admin/keys', { credential, body: { name: 'test key', ...spec } });
  if (answer.status !== 201) throw new Error(`key creation failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { key: answer.body.key as string, id: answer.body.id as string };
}

/** Creates a user with a role and logs in: its tokens. */
export async function createUser(server: { url: string }, username: string, role: string, password = GOOD_PASSWORD): Promise<{ accessToken: string; refreshToken: string }> {
  const created = await call(server, 'POST', '/admin/users', { credential: ADMIN_KEY, body: { username, password, role } });
  if (created.status !== 201) throw new Error(`user creation failed: ${created.status} ${JSON.stringify(created.body)}`);
  return login(server, username, password);
}

export async function login(server: { url: string }, username: string, password = GOOD_PASSWORD): Promise<{ accessToken: string; refreshToken: string }> {
  const answer = await call(server, 'POST', '/auth/login', { body: { username, password } });
  if (answer.status !== 200) throw new Error(`login failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { accessToken: answer.body.accessToken as string, refreshToken: answer.body.refreshToken as string };
}

/** A spam-classifier inference body. */
export const SPAM_REQUEST = { inputs: [{ name: 'text', datatype: 'BYTES', shape: [1], data: ['Claim your free prize now'] }] };
