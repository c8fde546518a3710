import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { credentials, loadPackageDefinition, status, type Client, type ClientReadableStream, type ServiceClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { startSecuredServer } from './helpers/access-kit.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

// A client built from the gRPC project's own health.proto (shipped in grpc-health-check), not umbral's copy.
const require = createRequire(import.meta.url);
const HEALTH_PROTO = join(dirname(require.resolve('grpc-health-check/package.json')), 'proto', 'health', 'v1', 'health.proto');
const definition = loadSync(HEALTH_PROTO, { keepCase: true, enums: String, defaults: true });
type Namespace = { readonly [name: string]: Namespace | undefined };
const Health = (loadPackageDefinition(definition) as unknown as Namespace).grpc?.health?.v1?.Health as unknown as ServiceClientConstructor;

interface HealthClient extends Client {
  Check(request: { service: string }, callback: (error: ServiceError | null, response?: { status: string }) => void): void;
  Watch(request: { service: string }): ClientReadableStream<{ status: string }>;
}

const check = (client: HealthClient, service: string) => new Promise<{ code: status; status?: string }>((resolve) => {
  client.Check({ service }, (error, response) => resolve(error ? { code: error.code } : { code: status.OK, status: response?.status }));
});

/** The statuses a Watch stream sends, as they come, and how it ends. */
function watch(client: HealthClient, service: string) {
  const stream = client.Watch({ service });
  const seen: string[] = [];
  const waiters: Array<() => void> = [];
  stream.on('data', (message: { status: string }) => {
    seen.push(message.status);
    waiters.splice(0).forEach((wake) => wake());
  });
  const ended = new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('error', () => resolve());
  });
  const statuses = (count: number) => new Promise<string[]>((resolve) => {
    const test = () => (seen.length >= count ? resolve(seen.slice(0, count)) : waiters.push(test));
    test();
  });
  return { stream, statuses, ended };
}

describe('grpc.health.v1.Health on the gRPC port', () => {
  let server: TestServer;
  let client: HealthClient;
  before(async () => {
    // Access control on: probes carry no credential, and health needs none.
    server = await startSecuredServer();
    client = new Health(server.grpcUrl as string, credentials.createInsecure()) as unknown as HealthClient;
  });
  after(async () => {
    client?.close();
    await server?.shutdown('test over');
  });

  it('answers Check for the server, a model, and NOT_FOUND for an unknown name, without a credential', async () => {
    assert.deepEqual(await check(client, ''), { code: status.OK, status: 'SERVING' });
    assert.deepEqual(await check(client, 'echo'), { code: status.OK, status: 'SERVING' });
    assert.equal((await check(client, 'no-such-model')).code, status.NOT_FOUND);
  });

  it('Watch of an unknown name says SERVICE_UNKNOWN and stays open', async () => {
    const unknown = watch(client, 'no-such-model');
    assert.deepEqual(await unknown.statuses(1), ['SERVICE_UNKNOWN']);
    unknown.stream.cancel();
    await unknown.ended;
  });

  it('Watch sees SERVING, then NOT_SERVING when the server begins to stop, then the stream ends', async () => {
    const server = await startTestServer({ overrides: { 'server.shutdownDelayMs': 0 } });
    const health = new Health(server.grpcUrl as string, credentials.createInsecure()) as unknown as HealthClient;
    try {
      const whole = watch(health, '');
      const model = watch(health, 'echo');
      assert.deepEqual(await whole.statuses(1), ['SERVING']);
      assert.deepEqual(await model.statuses(1), ['SERVING']);
      const stopped = server.shutdown('test');
      assert.deepEqual(await whole.statuses(2), ['SERVING', 'NOT_SERVING']);
      assert.deepEqual(await model.statuses(2), ['SERVING', 'NOT_SERVING']);
      await Promise.all([whole.ended, model.ended, stopped]);
    } finally {
      health.close();
      await server.shutdown('test over');
    }
  });
});
