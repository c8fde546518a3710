/*
 * The stable hash behind sticky assignment: FNV-1a (32-bit) over the key's UTF-8 bytes, then
 * murmur3's 32-bit finaliser so that keys differing only in their last character spread over the
 * whole range. No randomness and no state: every replica, and every release, maps a key alike.
 * http://www.isthe.com/chongo/tech/comp/fnv/ (FNV-1a); MurmurHash3 fmix32.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a of `text`'s UTF-8 bytes, continuing from `state` (default: the FNV offset basis). Allocates nothing. */
export function fnv1a(text: string, state = FNV_OFFSET): number {
  let hash = state >>> 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      hash = Math.imul(hash ^ code, FNV_PRIME);
      continue;
    }
    if (code >= 0xd800 && code < 0xdc00 && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low < 0xe000) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    // A lone surrogate is hashed as U+FFFD, as TextEncoder writes it.
    if (code >= 0xd800 && code < 0xe000) code = 0xfffd;
    if (code < 0x800) {
      hash = Math.imul(hash ^ (0xc0 | (code >> 6)), FNV_PRIME);
    } else if (code < 0x10000) {
      hash = Math.imul(hash ^ (0xe0 | (code >> 12)), FNV_PRIME);
      hash = Math.imul(hash ^ (0x80 | ((code >> 6) & 0x3f)), FNV_PRIME);
    } else {
      hash = Math.imul(hash ^ (0xf0 | (code >> 18)), FNV_PRIME);
      hash = Math.imul(hash ^ (0x80 | ((code >> 12) & 0x3f)), FNV_PRIME);
      hash = Math.imul(hash ^ (0x80 | ((code >> 6) & 0x3f)), FNV_PRIME);
    }
    hash = Math.imul(hash ^ (0x80 | (code & 0x3f)), FNV_PRIME);
  }
  return hash >>> 0;
}

/** murmur3's 32-bit finaliser: every input bit flips each output bit with probability about 1/2. */
export function fmix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The percent slot (0..99) of `key` within a split whose seed is `seed` (the hash of the model's name). */
export function keySlot(seed: number, key: string): number {
  return Math.floor(fmix32(fnv1a(key, seed)) / 42949672.96);
}
