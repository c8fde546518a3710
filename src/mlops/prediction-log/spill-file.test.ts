import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { line, parseSegment, SpillFile } from './spill-file.js';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'umbral-spill-'));
  dirs.push(dir);
  return dir;
};
after(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

const bytes = (text: string) => new TextEncoder().encode(text);

describe('spill file', () => {
  it('writes one checksummed line per record and reads them back in order across segments', async () => {
    const dir = freshDir();
    const spill = await SpillFile.open<{ n: number; text: string }>({ dir, maxBytes: 1_000_000, segmentBytes: 200 });
    for (let n = 0; n < 20; n += 2) assert.equal(await spill.append([{ n, text: 'a\nb' }, { n: n + 1, text: 'ü' }]), true);
    await spill.seal();
    const segments = spill.segments();
    assert.ok(segments.length > 1, 'segments rotate past segmentBytes');
    const read = [];
    for (const segment of segments) read.push(...(await spill.read(segment)).records);
    assert.deepEqual(read.map((r) => r.n), [...Array(20).keys()]);
    assert.equal(read[0]?.text, 'a\nb');
    const first = readFileSync(join(dir, segments[0] as string), 'utf8').split('\n')[0] as string;
    assert.match(first, /^\d+ [0-9a-f]{8} \{"n":0,/);
  });

  it('refuses an append past its bound, writing nothing, and frees room as segments are removed', async () => {
    const dir = freshDir();
    const record = { text: 'x'.repeat(100) };
    const size = bytes(line(record)).byteLength;
    const spill = await SpillFile.open<typeof record>({ dir, maxBytes: size * 3 });
    assert.equal(await spill.append([record, record]), true);
    assert.equal(await spill.append([record, record]), false);
    assert.equal(spill.bytes, size * 2);
    await spill.seal();
    for (const segment of spill.segments()) await spill.remove(segment);
    assert.equal(spill.empty, true);
    assert.equal(await spill.append([record, record, record]), true);
  });

  it('stops reading at a torn last line or a checksum mismatch and counts what it lost', () => {
    const good = line({ n: 1 }) + line({ n: 2 });
    const torn = parseSegment<{ n: number }>(bytes(`${good}${line({ n: 3 }).slice(0, 9)}`));
    assert.deepEqual(torn, { records: [{ n: 1 }, { n: 2 }], lost: 1 });
    const flipped = line({ n: 3 }).replace('"n":3', '"n":4');
    const corrupt = parseSegment<{ n: number }>(bytes(`${line({ n: 1 })}${flipped}${line({ n: 5 })}`));
    assert.deepEqual(corrupt, { records: [{ n: 1 }], lost: 2 });
    assert.deepEqual(parseSegment(bytes('')), { records: [], lost: 0 });
  });

  it('finds what a previous process left, never appends to it, and replays it before newer segments', async () => {
    const dir = freshDir();
    // A segment of a dead process (pid 2^22+1 is past Linux's pid_max default), its last line torn.
    const old = 'segment-000000000000001-4194305-000000001.log';
    writeFileSync(join(dir, old), `${line({ n: 1 })}${line({ n: 2 }).slice(0, 5)}`);
    const spill = await SpillFile.open<{ n: number }>({ dir, maxBytes: 1_000_000 });
    assert.equal(spill.empty, false);
    await spill.append([{ n: 3 }]);
    await spill.seal();
    const [first, second] = spill.segments();
    assert.equal(first, old);
    assert.deepEqual(await spill.read(first as string), { records: [{ n: 1 }], lost: 1 });
    assert.deepEqual((await spill.read(second as string)).records, [{ n: 3 }]);
    appendFileSync(join(dir, old), '');
    assert.equal(readdirSync(dir).length, 2);
  });
});
