import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Errors } from '../errors/catalogue.js';
import { LocalArtifactStore } from './local-artifact-store.js';
import { testTempDir } from '../../test/helpers/temp-dir.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

async function store(maxBytes?: number) {
  const dir = testTempDir('umbral-artifacts-');
  return { dir, artifacts: new LocalArtifactStore({ dir, ...(maxBytes === undefined ? {} : { maxBytes }) }) };
}

/** Every file under `dir`, relative paths, sorted. */
async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

describe('LocalArtifactStore', () => {
  it('stores bytes under their sha256, read-only, and finds them again', async () => {
    const { dir, artifacts } = await store();
    const expected = sha256(Buffer.from('hello, model'));
    assert.equal(await artifacts.has(expected), false);
    const stored = await artifacts.put(chunks('hello, ', 'model'));
    assert.deepEqual(stored, { sha256: expected, size: 12 });
    assert.equal(artifacts.path(expected), join(dir, 'sha256', expected.slice(0, 2), expected));
    assert.equal(await readFile(artifacts.path(expected), 'utf8'), 'hello, model');
    assert.equal((await stat(artifacts.path(expected))).mode & 0o777, 0o444);
    assert.equal(await artifacts.has(expected), true);
    assert.deepEqual(await files(dir), [join('sha256', expected.slice(0, 2), expected)]);
  });

  it('accepts a Node stream and a matching expected hash', async () => {
    const { dir, artifacts } = await store();
    const source = join(dir, 'upload.bin');
    await writeFile(source, Buffer.alloc(100_000, 7));
    const expected = sha256(Buffer.alloc(100_000, 7));
    assert.deepEqual(await artifacts.put(createReadStream(source), expected), { sha256: expected, size: 100_000 });
  });

  it('refuses bytes that do not match the expected hash, leaving nothing behind', async () => {
    const { dir, artifacts } = await store();
    const claimed = sha256(Buffer.from('what was meant'));
    await assert.rejects(artifacts.put(chunks('what arrived'), claimed), (error: { code?: string; message?: string }) => {
      assert.equal(error.code, Errors.artifactHashMismatch.code);
      assert.match(error.message ?? '', new RegExp(sha256(Buffer.from('what arrived'))));
      return true;
    });
    assert.deepEqual(await files(dir), []);
    assert.equal(await artifacts.has(claimed), false);
  });

  it('refuses an upload over the size limit, and a source that fails, leaving nothing behind', async () => {
    const { dir, artifacts } = await store(10);
    await assert.rejects(artifacts.put(chunks('12345', '67890', '!')), { code: Errors.artifactTooLarge.code });
    assert.deepEqual(await artifacts.put(chunks('12345', '67890')), { sha256: sha256(Buffer.from('1234567890')), size: 10 });
    async function* broken(): AsyncIterable<Uint8Array> {
      yield Buffer.from('partial');
      throw new Error('connection reset');
    }
    await assert.rejects(artifacts.put(broken()), /connection reset/);
    assert.equal((await files(dir)).length, 1);
  });

  it('keeps the first copy when the same bytes are put concurrently or again', async () => {
    const { dir, artifacts } = await store();
    const content = Buffer.alloc(1_000_000, 'ab');
    const results = await Promise.all(Array.from({ length: 8 }, () => artifacts.put(chunks(content.toString()))));
    for (const result of results) assert.deepEqual(result, { sha256: sha256(content), size: content.length });
    const path = artifacts.path(sha256(content));
    const { ino } = await stat(path);
    await artifacts.put(chunks(content.toString()));
    assert.equal((await stat(path)).ino, ino, 'the stored file is never replaced');
    assert.deepEqual(await files(dir), [join('sha256', sha256(content).slice(0, 2), sha256(content))]);
    assert.ok((await readFile(path)).equals(content));
  });

  it('rejects malformed hashes instead of building paths from them', async () => {
    const { artifacts } = await store();
    assert.throws(() => artifacts.path('../../etc/passwd'), { code: Errors.invalidRequest.code });
    assert.equal(await artifacts.has('../../etc/passwd'), false);
    await assert.rejects(artifacts.put(chunks('x'), 'NOT-A-HASH'), { code: Errors.invalidRequest.code });
  });

  it('hashes a 50 MB stream without holding it in memory', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { artifacts } = await store();
    const chunkSize = 64 * 1024;
    const count = (50 * 1024 * 1024) / chunkSize;
    const expected = createHash('sha256');
    gc();
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = 0;
    async function* fiftyMegabytes(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < count; i++) {
        // Fresh chunks, so that a store keeping them would show in memory.
        const chunk = Buffer.alloc(chunkSize, i % 251);
        expected.update(chunk);
        if (i % 64 === 0) {
          gc();
          peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
        }
        yield chunk;
      }
    }
    const stored = await artifacts.put(fiftyMegabytes());
    assert.deepEqual(stored, { sha256: expected.digest('hex'), size: 50 * 1024 * 1024 });
    assert.ok(peak < 16 * 1024 * 1024, `buffer memory rose by ${(peak / 1048576).toFixed(1)} MiB while streaming 50 MiB`);
  });
});
