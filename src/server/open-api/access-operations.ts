import { json, object, ok, string, type OperationDoc, type ResponseDoc } from './operation-doc.js';

const NONE: ResponseDoc = { description: 'done; no body' };
const NOT_HELD = 'the caller cannot grant what it does not hold itself (scopes, models, limits, expiry, roles)';
const USER = '/admin/users/:username';

const userSwitch = (action: 'disable' | 'enable'): OperationDoc => ({
  operationId: `${action}User`, summary: `${action === 'disable' ? 'Disable' : 'Enable'} a user (its sessions end at once when disabled)`, tag: 'admin-access',
  responses: { 200: ok('the user', 'User') }, errors: { 403: NOT_HELD, 404: 'no such user', 409: 'the last enabled admin cannot be disabled' },
});

/** API keys, users and the authentication trail (routes/admin-access.ts). */
export const ACCESS_OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  'POST /admin/keys': {
    operationId: 'createKey', summary: 'Create an API key', tag: 'admin-access',
    responses: { 201: ok('the key, shown this once', 'CreatedApiKey') }, errors: { 403: NOT_HELD },
  },
  'GET /admin/keys': {
    operationId: 'listKeys', summary: 'List API keys (never their secrets)', tag: 'admin-access',
    responses: { 200: ok('the keys', 'ApiKeyList') }, errors: {},
  },
  'DELETE /admin/keys/:id': {
    operationId: 'revokeKey', summary: 'Revoke an API key', tag: 'admin-access',
    responses: { 204: NONE }, errors: { 403: NOT_HELD, 404: 'no such key' },
  },
  'POST /admin/users': {
    operationId: 'createUser', summary: 'Create a user', tag: 'admin-access',
    responses: { 201: ok('the user', 'User') }, errors: { 403: NOT_HELD, 409: 'the username is taken' },
  },
  'GET /admin/users': {
    operationId: 'listUsers', summary: 'List users', tag: 'admin-access', responses: { 200: ok('the users', 'UserList') }, errors: {},
  },
  [`PUT ${USER}/role`]: {
    operationId: 'setUserRole', summary: 'Change a user\'s role (its sessions end at once)', tag: 'admin-access',
    responses: { 200: ok('the user', 'User') }, errors: { 403: NOT_HELD, 404: 'no such user', 409: 'the last enabled admin keeps its role' },
  },
  [`POST ${USER}/disable`]: userSwitch('disable'),
  [`POST ${USER}/enable`]: userSwitch('enable'),
  'GET /admin/auth/events': {
    operationId: 'authEvents', summary: 'The authentication audit trail, newest first', tag: 'admin-access',
    responses: { 200: ok('a page of events', 'AuthEvents') }, errors: {},
  },
};

/** Users' own account routes and the JWKS (routes/auth.ts). */
export const AUTH_OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  'POST /auth/register': {
    operationId: 'register', summary: 'Register an account (when auth.registration is open)', tag: 'auth',
    responses: { 202: ok('the same answer whether the name was free or not', 'Registered') },
    errors: { 403: 'self-registration is closed' },
  },
  'POST /auth/login': {
    operationId: 'login', summary: 'Log in: an access token and a refresh token', tag: 'auth',
    responses: { 200: ok('the tokens', 'TokenPair') },
    errors: { 401: 'wrong username or password, or the account is disabled', 429: 'too many failed logins (Retry-After)' },
  },
  'POST /auth/refresh': {
    operationId: 'refresh', summary: 'Trade a refresh token for new tokens (each refresh token works once)', tag: 'auth',
    responses: { 200: ok('the new tokens', 'TokenPair') }, errors: { 401: 'the refresh token is unknown, used, expired or revoked' },
  },
  'POST /auth/logout': {
    operationId: 'logout', summary: 'End a session: the current one, or the one of the refresh token sent', tag: 'auth',
    body: { content: json(object({ refreshToken: string }, ['refreshToken'])), required: false, description: 'no body (or `{}`): the session of the access token in use' },
    responses: { 204: NONE }, errors: { 403: 'the refresh token is another user\'s' },
  },
  'GET /auth/me': {
    operationId: 'me', summary: 'Who the credential is: permissions, models, limits', tag: 'auth',
    responses: { 200: ok('the caller', 'Me') }, errors: {},
  },
  'POST /auth/password': {
    operationId: 'changePassword', summary: 'Change one\'s own password (every other session ends)', tag: 'auth',
    responses: { 204: NONE }, errors: { 401: 'the current password is wrong' },
  },
  'GET /.well-known/jwks.json': {
    operationId: 'jwks', summary: 'The public keys that verify access tokens', tag: 'auth',
    responses: { 200: ok('the key set (RFC 7517)', 'Jwks') }, errors: { 404: 'tokens are signed with a shared secret, never published' },
  },
};
