import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Request } from 'undici';
import { BUNDLED_MODELS_DIR } from '../paths.js';
import { AdminClient } from './admin-client.js';
import { ClientError } from './client-error.js';
import { pushModel, type PushAction } from './push-model.js';
import { testTempDir } from '../../test/helpers/temp-dir.js';

const SPAM_DIR = join(BUNDLED_MODELS_DIR, 'spam-classifier');
const SPAM_SHA256 = createHash('sha256').update(readFileSync(join(SPAM_DIR, '1/model.onnx'))).digest('hex');

interface Received { method: string; url: string; json?: unknown; fields?: Array<[string, string]>; artifactSha256?: string }

/** A stand-in admin API that knows one model, `known`, and records what it is sent. */
function fakeAdmin(received: Received[]) {
  return createServer((request: IncomingMessage, response: ServerResponse) => void (async () => {
    const send = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const { method = '', url = '' } = request;
    if (method === 'GET') {
      received.push({ method, url });
      return url === '/admin/models/known' ? send(200, { name: 'known' })
        : send(404, { error: 'model is not known to this server', code: 'UMBRAL_ERR_MODEL_NOT_FOUND' });
    }
    const form = await new Request('http://fake', {
      method, headers: { 'content-type': request.headers['content-type'] ?? '' },
      body: Readable.toWeb(request) as ReadableStream, duplex: 'half',
    });
    if (url === '/admin/models') {
      received.push({ method, url, json: await form.json() });
      return send(201, { name: 'new' });
    }
    const entries = [...(await form.formData()).entries()];
    const artifact = entries.find(([name]) => name === 'artifact')?.[1];
    const bytes = artifact instanceof Blob ? Buffer.from(await artifact.arrayBuffer()) : Buffer.alloc(0);
    const artifactSha256 = createHash('sha256').update(bytes).digest('hex');
    received.push({ method, url, artifactSha256, fields: entries.map(([name, value]) => [name, typeof value === 'string' ? value : `file:${value.name}`]) });
    return send(201, { model: 'new', version: 1, sha256: artifactSha256, size: bytes.length });
  })());
}

describe('pushModel', () => {
  const received: Received[] = [];
  const server = fakeAdmin(received);
  let client: AdminClient;
  const silent = { isTTY: false, write: () => true };
  const push = (action: Partial<PushAction>) =>
    pushModel(client, { name: 'push', path: SPAM_DIR, model: 'new', create: false, ...action }, silent);

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new AdminClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: undefined });
  });
  beforeEach(() => { received.length = 0; });
  after(() => server.close());

  it('creates the model with --create, then uploads fields first and the artifact streamed, with its sha256', async () => {
    const version = await push({ create: true, alias: 'challenger' });
    assert.deepEqual(received.map((r) => `${r.method} ${r.url}`), ['GET /admin/models/new', 'POST /admin/models', 'POST /admin/models/new/versions']);
    assert.deepEqual(received[1]?.json, { name: 'new', description: (received[1]?.json as { description: string }).description });
    assert.match((received[1]?.json as { description: string }).description, /^Spam filter/);
    const upload = received[2];
    assert.deepEqual(upload?.fields?.map(([name]) => name), ['manifest', 'sha256', 'alias', 'artifact']);
    const fields = Object.fromEntries(upload?.fields ?? []);
    assert.equal(fields.sha256, SPAM_SHA256);
    assert.equal(upload?.artifactSha256, SPAM_SHA256);
    assert.equal(fields.alias, 'challenger');
    assert.equal(fields.artifact, 'file:model.onnx');
    const manifest = JSON.parse(fields.manifest ?? '{}') as { labels: unknown; serving: { max_batch_size: number } };
    assert.deepEqual(manifest.labels, { probabilities: ['ham', 'spam'] });
    assert.equal(manifest.serving.max_batch_size, 64);
    assert.equal((version as { sha256: string }).sha256, SPAM_SHA256);
  });

  it('sends --sha256 as given, for the server to check', async () => {
    await push({ model: 'known', path: join(SPAM_DIR, '1/model.onnx'), sha256: '0'.repeat(64) });
    assert.equal(Object.fromEntries(received.at(-1)?.fields ?? []).sha256, '0'.repeat(64));
    assert.deepEqual(JSON.parse(Object.fromEntries(received.at(-1)?.fields ?? []).manifest ?? ''), {});
  });

  it('without --create, stops at the server\'s error for an unknown model and uploads nothing', async () => {
    await assert.rejects(push({}), (error: ClientError) => {
      assert.deepEqual(error.describe(), ['model is not known to this server (UMBRAL_ERR_MODEL_NOT_FOUND)', 'pass --create to create the model']);
      return true;
    });
    assert.deepEqual(received.map((r) => r.method), ['GET']);
  });

  it('reports an invalid manifest before sending anything', async () => {
    const file = join(testTempDir('umbral-manifest-'), 'manifest.json');
    writeFileSync(file, JSON.stringify({ metrics: { accuracy: 'great' } }));
    await assert.rejects(push({ manifestFile: file }), { code: 'UMBRAL_ERR_MANIFEST_INVALID' });
    writeFileSync(file, '{not json');
    await assert.rejects(push({ manifestFile: file }), { code: 'UMBRAL_ERR_MANIFEST_INVALID' });
    await assert.rejects(push({ path: join(SPAM_DIR, 'model.yaml') }), { code: 'UMBRAL_ERR_USAGE' });
    await assert.rejects(push({ path: join(SPAM_DIR, 'nowhere') }), { code: 'UMBRAL_ERR_USAGE' });
    assert.deepEqual(received, []);
  });
});
