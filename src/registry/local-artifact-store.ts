import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { access, chmod, link, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Errors } from '../errors/catalogue.js';
import type { ArtifactStore, StoredArtifact } from './artifact-store.js';

/** Where a LocalArtifactStore keeps its files, and how large one may be. */
export interface LocalArtifactStoreOptions {
  /** Root directory; artifacts go to `<dir>/sha256/<first two hex digits>/<sha256>`. */
  readonly dir: string;
  /** Largest artifact accepted, in bytes; larger uploads fail with UMBRAL_ERR_BODY_TOO_LARGE. No limit when absent. */
  readonly maxBytes?: number;
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Artifacts as read-only files in a local directory, named by their sha256. Uploads stream to a
 * temporary file beside the store (same file system) and are linked into place only once complete
 * and verified, so a reader never sees a partial artifact and a stored one is never replaced.
 */
export class LocalArtifactStore implements ArtifactStore {
  private readonly root: string;

  constructor(private readonly options: LocalArtifactStoreOptions) {
    this.root = join(options.dir, 'sha256');
  }

  async put(source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream, expectedSha256?: string): Promise<StoredArtifact> {
    if (expectedSha256 !== undefined && !SHA256.test(expectedSha256)) {
      throw Errors.invalidRequest('sha256', 'must be 64 lowercase hexadecimal digits');
    }
    await mkdir(this.root, { recursive: true });
    // A dot name can never be mistaken for a two-hex-digit shard directory.
    const temp = join(this.root, `.incoming-${randomUUID()}`);
    try {
      const { sha256, size } = await this.receive(source, temp);
      if (expectedSha256 !== undefined && sha256 !== expectedSha256) throw Errors.artifactHashMismatch(expectedSha256, sha256);
      await chmod(temp, 0o444);
      await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
      await linkUnlessPresent(temp, this.path(sha256));
      return { sha256, size };
    } finally {
      await rm(temp, { force: true });
    }
  }

  path(sha256: string): string {
    if (!SHA256.test(sha256)) throw Errors.invalidRequest('sha256', 'must be 64 lowercase hexadecimal digits');
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  async has(sha256: string): Promise<boolean> {
    if (!SHA256.test(sha256)) return false;
    try {
      await access(this.path(sha256));
      return true;
    } catch {
      return false;
    }
  }

  /** Copies `source` to `temp` chunk by chunk, hashing and counting as it goes. */
  private async receive(source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream, temp: string): Promise<StoredArtifact> {
    const hash = createHash('sha256');
    const limit = this.options.maxBytes;
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (limit !== undefined && size > limit) return done(Errors.artifactTooLarge(limit));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const file = createWriteStream(temp, { flags: 'wx', mode: 0o600 });
    try {
      await pipeline(source, meter, file);
    } catch (error) {
      // The file may still be opening when the source fails: wait until it is closed, or the
      // caller's clean-up could run first and the file appear after it, left behind for good.
      if (!file.closed) await once(file, 'close').catch(() => undefined);
      throw error;
    }
    return { sha256: hash.digest('hex'), size };
  }
}

/** link(2) fails rather than replace an existing name: the first complete copy wins, later ones are dropped. */
async function linkUnlessPresent(temp: string, target: string): Promise<void> {
  try {
    await link(temp, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
