import * as zlib from 'node:zlib';

/** CRC-32 (IEEE 802.3, as zip and PNG): node:zlib's native one where it exists (Node ≥ 20.15), else a table. */
export const crc32: (data: Uint8Array) => number = (zlib as { crc32?: (data: Uint8Array) => number }).crc32 ?? tableCrc32;

let table: Uint32Array | undefined;

/** The byte-at-a-time reference form, for Node releases without zlib.crc32. */
export function tableCrc32(data: Uint8Array): number {
  table ??= makeTable();
  let crc = 0xffffffff;
  for (const byte of data) crc = (table[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function makeTable(): Uint32Array {
  const made = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    made[n] = c >>> 0;
  }
  return made;
}
