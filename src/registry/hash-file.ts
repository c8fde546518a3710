import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Hex sha256 of a file, read as a stream (never whole into memory); `onChunk` sees each chunk's size. */
export async function hashFile(path: string, onChunk: (bytes: number) => void = () => {}): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    onChunk((chunk as Buffer).byteLength);
  }
  return hash.digest('hex');
}
