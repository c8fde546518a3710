import { mkdir, open, readdir, readFile, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from './crc32.js';

export interface SpillFileOptions {
  readonly dir: string;
  /** Most bytes all segments together may hold; an append that would pass it is refused. */
  readonly maxBytes: number;
  /** A segment is closed and a new one begun past this size (default: a quarter of maxBytes, at most 16 MiB). */
  readonly segmentBytes?: number;
}

/** What reading a segment found: its records in order, and the lines lost at a torn or corrupt point. */
export interface SegmentContents<T> {
  readonly records: T[];
  /** Lines from the first bad one (torn by a crash, or a checksum mismatch) to the end: not read. */
  readonly lost: number;
}

/** `segment-<ms since epoch>-<pid>-<sequence>.log`: names sort in the order segments were begun. */
const SEGMENT = /^segment-(\d{15})-(\d+)-(\d{9})\.log$/;
const encoder = new TextEncoder();

/**
 * An append-only spill of JSON records on local disk, in segments (`segment-<time>-<pid>-<seq>.log`).
 * Each record is one line, `<byte length> <crc32 hex> <json>\n`, and each append is one write
 * followed by fsync, so that what `append` acknowledged survives a crash or SIGKILL. A process never
 * appends to a segment it did not create, so a line torn by a crash is always the last of its
 * segment; a reader stops at the first line whose length or checksum does not match. Segments of
 * other live processes (workers sharing the directory) are left alone.
 */
export class SpillFile<T> {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #segmentBytes: number;
  /** Segment name → bytes, oldest first. */
  readonly #sizes = new Map<string, number>();
  #active: { name: string; handle: FileHandle } | undefined;
  #sequence = 0;

  private constructor(options: SpillFileOptions) {
    this.#dir = options.dir;
    this.#maxBytes = options.maxBytes;
    this.#segmentBytes = options.segmentBytes ?? Math.max(1, Math.min(16 * 1024 ** 2, Math.floor(options.maxBytes / 4)));
  }

  /** Opens (creating) the directory and finds the segments a previous process left. */
  static async open<T>(options: SpillFileOptions): Promise<SpillFile<T>> {
    const spill = new SpillFile<T>(options);
    await mkdir(options.dir, { recursive: true });
    await spill.#scan();
    return spill;
  }

  async #scan(): Promise<void> {
    const names = (await readdir(this.#dir)).filter((name) => SEGMENT.test(name)).sort();
    for (const name of names) {
      const [, , pid] = SEGMENT.exec(name) as RegExpExecArray;
      if (Number(pid) !== process.pid && alive(Number(pid))) continue;
      const { size } = await stat(join(this.#dir, name));
      if (size === 0) await rm(join(this.#dir, name), { force: true });
      else this.#sizes.set(name, size);
    }
  }

  /** Bytes the segments hold now. */
  get bytes(): number {
    let total = 0;
    for (const size of this.#sizes.values()) total += size;
    return total;
  }

  /** Whether any record waits on disk. */
  get empty(): boolean {
    return this.#sizes.size === 0;
  }

  /**
   * Appends `records` in one write and fsyncs it. Resolves false, writing nothing, when the bound
   * would be passed; rejects on an I/O error (the segment is then closed: a torn line stays its last).
   */
  async append(records: readonly T[]): Promise<boolean> {
    if (records.length === 0) return true;
    const bytes = encoder.encode(records.map(line).join(''));
    if (this.bytes + bytes.byteLength > this.#maxBytes) return false;
    const active = this.#active ?? await this.#begin();
    try {
      await active.handle.write(bytes);
      await active.handle.sync();
    } catch (error) {
      await this.seal();
      throw error;
    }
    const size = (this.#sizes.get(active.name) ?? 0) + bytes.byteLength;
    this.#sizes.set(active.name, size);
    if (size >= this.#segmentBytes) await this.seal();
    return true;
  }

  async #begin(): Promise<{ name: string; handle: FileHandle }> {
    this.#sequence += 1;
    const name = `segment-${String(Date.now()).padStart(15, '0')}-${process.pid}-${String(this.#sequence).padStart(9, '0')}.log`;
    const handle = await open(join(this.#dir, name), 'a');
    this.#sizes.set(name, 0);
    await syncDirectory(this.#dir);
    this.#active = { name, handle };
    return this.#active;
  }

  /** Closes the segment being written: every record appended so far is then in `segments()`. */
  async seal(): Promise<void> {
    const active = this.#active;
    this.#active = undefined;
    await active?.handle.close().catch(() => undefined);
  }

  /** Closed segments, oldest first. */
  segments(): string[] {
    return [...this.#sizes.keys()].filter((name) => name !== this.#active?.name);
  }

  /** A closed segment's records, up to its first torn or corrupt line. */
  async read(segment: string): Promise<SegmentContents<T>> {
    return parseSegment<T>(await readFile(join(this.#dir, segment)));
  }

  /** Deletes a segment whose records are all written. */
  async remove(segment: string): Promise<void> {
    await rm(join(this.#dir, segment), { force: true });
    this.#sizes.delete(segment);
  }

  async close(): Promise<void> {
    await this.seal();
  }
}

/** One record as a spill line: `<byte length> <crc32 hex> <json>\n` (JSON escapes every newline). */
export function line(record: unknown): string {
  const json = JSON.stringify(record);
  const bytes = encoder.encode(json);
  return `${bytes.byteLength} ${crc32(bytes).toString(16).padStart(8, '0')} ${json}\n`;
}

/** The records of a segment's bytes in order, stopping at the first line that does not check. */
export function parseSegment<T>(data: Uint8Array): SegmentContents<T> {
  const records: T[] = [];
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  while (at < buffer.length) {
    const end = buffer.indexOf(0x0a, at);
    const record = end === -1 ? undefined : checkedRecord<T>(buffer.subarray(at, end));
    if (record === undefined) return { records, lost: countLines(buffer.subarray(at)) };
    records.push(record.value);
    at = end + 1;
  }
  return { records, lost: 0 };
}

function checkedRecord<T>(text: Buffer): { value: T } | undefined {
  const first = text.indexOf(0x20);
  const second = first === -1 ? -1 : text.indexOf(0x20, first + 1);
  if (second === -1) return undefined;
  const length = Number(text.subarray(0, first).toString('latin1'));
  const checksum = text.subarray(first + 1, second).toString('latin1');
  const json = text.subarray(second + 1);
  if (json.byteLength !== length || crc32(json).toString(16).padStart(8, '0') !== checksum) return undefined;
  try {
    return { value: JSON.parse(json.toString('utf8')) as T };
  } catch {
    return undefined;
  }
}

function countLines(rest: Buffer): number {
  let lines = 0;
  for (let at = 0; at < rest.length;) {
    const end = rest.indexOf(0x0a, at);
    lines += 1;
    at = end === -1 ? rest.length : end + 1;
  }
  return lines;
}

/** Whether a process with this id runs (a worker sharing the directory); a dead one's segments are ours to replay. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Makes a new segment's directory entry durable (no-op where directories cannot be opened, as on Windows). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}
