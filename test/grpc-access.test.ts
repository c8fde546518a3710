import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { status, type Client } from '@grpc/grpc-js';
import { ADMIN_KEY, call, createKey, createUser, startSecuredServer } from './helpers/access-kit.js';
import { grpcClient, rpc, trailer, typedInput, type RpcAnswer, type RpcOptions } from './helpers/grpc-client.js';
import type { TestServer } from './helpers/test-server.js';

const SPAM = { model_name: 'spam-classifier', inputs: [typedInput({ name: 'text', datatype: 'BYTES', shape: [1], data: ['Claim your free prize now'] })] };
const ECHO_READY = { name: 'echo' };

describe('gRPC access control: the HTTP rules, from call metadata', () => {
  let server: TestServer;
  let client: Client;
  before(async () => {
    server = await startSecuredServer();
    client = grpcClient(server.grpcUrl as string);
  });
  after(async () => {
    client?.close();
    await server?.shutdown('test over');
  });

  const infer = (options: RpcOptions, request: object = SPAM) => rpc(client, 'ModelInfer', request, options);
  /** How a call ended: the gRPC code and the catalogue code. */
  const refusal = (answer: RpcAnswer<unknown>) => `${status[answer.code]} ${trailer(answer, 'x-umbral-error-code') ?? ''}`.trim();

  it('serves liveness and readiness to anyone, and nothing else without a credential', async () => {
    assert.equal((await rpc(client, 'ServerLive', {})).code, status.OK);
    assert.equal((await rpc(client, 'ServerReady', {})).code, status.OK);
    for (const [method, request] of [['ModelInfer', SPAM], ['ModelReady', ECHO_READY], ['ModelMetadata', ECHO_READY], ['ServerMetadata', {}]] as const) {
      const answer = await rpc(client, method, request);
      assert.equal(refusal(answer), 'UNAUTHENTICATED UMBRAL_ERR_UNAUTHENTICATED', method);
      assert.match(answer.error?.details ?? '', /needs a credential/);
    }
  });

  it('takes an API key as a bearer or in x-api-key, and refuses an unknown one', async () => {
    const { key } = await createKey(server, { scopes: ['infer'] });
    assert.equal((await infer({ credential: key })).code, status.OK);
    assert.equal((await infer({ metadata: { 'x-api-key': key } })).code, status.OK);
    assert.equal(refusal(await infer({ credential: 'not-a-key-at-all-0123456789' })), 'UNAUTHENTICATED UMBRAL_ERR_UNAUTHENTICATED');
    assert.equal(refusal(await infer({ credential: key, metadata: { 'x-api-key': key } })), 'UNAUTHENTICATED UMBRAL_ERR_UNAUTHENTICATED');
  });

  it('refuses a key without the infer permission, while any credential reads server metadata', async () => {
    const { key } = await createKey(server, { scopes: ['admin:read'] });
    assert.equal(refusal(await infer({ credential: key })), 'PERMISSION_DENIED UMBRAL_ERR_FORBIDDEN');
    assert.equal(refusal(await rpc(client, 'ModelMetadata', ECHO_READY, { credential: key })), 'PERMISSION_DENIED UMBRAL_ERR_FORBIDDEN');
    assert.equal((await rpc(client, 'ServerMetadata', {}, { credential: key })).code, status.OK);
  });

  it('holds a key to its model allow-list', async () => {
    const { key } = await createKey(server, { scopes: ['infer'], models: ['echo'] });
    assert.equal(refusal(await infer({ credential: key })), 'PERMISSION_DENIED UMBRAL_ERR_MODEL_NOT_ALLOWED');
    assert.equal(refusal(await rpc(client, 'ModelReady', { name: 'spam-classifier' }, { credential: key })), 'PERMISSION_DENIED UMBRAL_ERR_MODEL_NOT_ALLOWED');
    assert.deepEqual((await rpc(client, 'ModelReady', ECHO_READY, { credential: key })).response, { ready: true });
  });

  it('applies the key\'s rate limit: the third call in a minute is RESOURCE_EXHAUSTED with retry-after', async () => {
    const { key } = await createKey(server, { scopes: ['infer'], limits: { requestsPerMinute: 2 } });
    const first = await infer({ credential: key });
    assert.equal(first.code, status.OK);
    assert.equal(trailer(first, 'ratelimit-remaining'), '1');
    assert.equal((await infer({ credential: key })).code, status.OK);
    const third = await infer({ credential: key });
    assert.equal(refusal(third), 'RESOURCE_EXHAUSTED UMBRAL_ERR_RATE_LIMITED');
    assert.ok(Number(trailer(third, 'retry-after')) >= 1);
    // HTTP and gRPC count against the same limit.
    const rest = await call(server, 'POST', '/v2/models/spam-classifier/infer', { credential: key, body: { inputs: [{ name: 'text', datatype: 'BYTES', shape: [1], data: ['x'] }] } });
    assert.equal(rest.status, 429);
  });

  it('accepts a bearer access token from /auth/login, with the user\'s role', async () => {
    const customer = await createUser(server, 'grpc-client', 'client');
    const viewer = await createUser(server, 'grpc-viewer', 'viewer');
    assert.equal((await infer({ credential: customer.accessToken })).code, status.OK);
    assert.equal(refusal(await infer({ credential: viewer.accessToken })), 'PERMISSION_DENIED UMBRAL_ERR_FORBIDDEN');
    assert.equal(refusal(await infer({ credential: `${customer.accessToken}x` })), 'UNAUTHENTICATED UMBRAL_ERR_TOKEN_INVALID');
    const line = server.logLines().find((l) => l.protocol === 'grpc' && l.principal === 'user:grpc-client');
    assert.equal(line?.code, 'OK');
  });

  it('counts refusals in the same metrics as HTTP', async () => {
    const metrics = await call(server, 'GET', '/metrics', { credential: ADMIN_KEY });
    const text = String(metrics.body.text);
    assert.match(text, /umbral_auth_failures_total\{reason="UMBRAL_ERR_MODEL_NOT_ALLOWED"\} [1-9]/);
    assert.match(text, /umbral_rate_limited_total [1-9]/);
    assert.match(text, /umbral_grpc_request_duration_seconds_count\{method="ModelInfer",code="PERMISSION_DENIED"\} [1-9]/);
  });
});
