import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { Errors } from '../errors/catalogue.js';
import type { LoadedModel } from './backend.js';
import { RemoteBackend, type RemoteClient, type RemoteKind } from './remote-backend.js';

const descriptorSchema = z.object({ servers: z.array(z.string()).min(1), fail: z.enum(['endpoint', 'open']).optional() }).strict();
type Descriptor = z.output<typeof descriptorSchema>;

/** A client that says when it is closed. */
class Client implements RemoteClient {
  constructor(readonly url: string, private readonly closed: string[]) {}
  async close(): Promise<void> {
    this.closed.push(this.url);
  }
}

/** A remote kind over fake clients: its loaded model answers with the server it called. */
function fakeKind(closed: string[]): RemoteKind<Descriptor, Client> {
  return {
    kind: 'kserve',
    descriptorSchema,
    endpoint: ({ model, descriptor }) => {
      if (descriptor.fail === 'endpoint') throw Errors.modelLoadFailed(model, 'API_KEY is not set');
      return {
        servers: descriptor.servers,
        connect: (url) => new Client(url, closed),
        healthCheck: async () => true,
        async open(group, release): Promise<LoadedModel> {
          if (descriptor.fail === 'open') throw Errors.modelLoadFailed(model, 'no metadata');
          const answer = await group.call(async (client) => client.url, { signal: AbortSignal.timeout(1_000) });
          return {
            signature: { platform: answer, inputs: [], outputs: [] }, concurrency: 1, upstream: group, release,
            infer: async () => ({ outputs: [] }),
          };
        },
      };
    },
  };
}

describe('RemoteBackend', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'umbral-remote-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  const artifact = async (name: string, descriptor: object, resilience: object = { health_check_interval_ms: 0 }) => {
    const path = join(dir, `${name}.json`);
    await writeFile(path, JSON.stringify({ backend: 'kserve', kserve: descriptor, resilience }));
    return { model: name, version: '1', artifactPath: path };
  };

  it('loads a version over one server group with the kind\'s clients, reporting to the observer, and closes it on release', async () => {
    const closed: string[] = [];
    const reported: string[] = [];
    const backend = new RemoteBackend(fakeKind(closed), { breakerState: (group, server, state) => reported.push(`${group} ${server} ${state}`) });
    assert.equal(backend.kind, 'kserve');
    const loaded = await backend.load(await artifact('m', { servers: ['a', 'b'] }));
    assert.equal(loaded.signature.platform, 'a', 'the kind called the servers through the group');
    assert.deepEqual(loaded.upstream?.servers().map((s) => s.url), ['a', 'b']);
    assert.deepEqual(reported, ['m a closed', 'm b closed']);
    await loaded.release();
    assert.deepEqual(closed, ['a', 'b']);
    await backend.close();
    assert.deepEqual(closed, ['a', 'b'], 'a released version is not closed again');
  });

  it('checks the artifact with the kind\'s schema and says what is wrong', async () => {
    const backend = new RemoteBackend(fakeKind([]));
    await assert.rejects(backend.load(await artifact('m', { servers: [] })),
      (error: { code?: string; message: string }) => error.code === 'UMBRAL_ERR_MODEL_LOAD_FAILED' && /kserve\.servers/.test(error.message));
  });

  it('closes the group when the kind cannot open the version, and connects nothing when it cannot reach it', async () => {
    const closed: string[] = [];
    const backend = new RemoteBackend(fakeKind(closed));
    await assert.rejects(backend.load(await artifact('m', { servers: ['a'], fail: 'open' })), /no metadata/);
    assert.deepEqual(closed, ['a']);
    await assert.rejects(backend.load(await artifact('n', { servers: ['b'], fail: 'endpoint' })), /API_KEY is not set/);
    assert.deepEqual(closed, ['a']);
  });

  it('closes the groups of versions not released when it closes', async () => {
    const closed: string[] = [];
    const backend = new RemoteBackend(fakeKind(closed));
    await backend.load(await artifact('m', { servers: ['a'] }));
    await backend.close();
    assert.deepEqual(closed, ['a']);
  });
});
