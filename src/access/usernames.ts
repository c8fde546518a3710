import { Errors } from '../errors/catalogue.js';

const USERNAME = /^[a-z0-9][a-z0-9._@-]{2,63}$/;
/**
 * Longer input is refused before normalising, bounding the work an anonymous caller can ask for.
 * It loses nothing: each character of a valid name comes from at most one input code point (two
 * UTF-16 units, e.g. U+1D41A MATHEMATICAL BOLD SMALL A), since no ASCII character composes.
 */
const MAX_RAW_LENGTH = 1024;
const SHOWN_LENGTH = 64;

/**
 * The one spelling of a username: trimmed, Unicode NFKC (so fullwidth `ａｄｍｉｎ` or U+212A KELVIN
 * SIGN fold to their ASCII letters and cannot pose as another user), lower-cased; then 3-64 characters
 * of `a-z 0-9 . _ @ -`, starting with a letter or digit. Anything else (including look-alikes NFKC
 * does not fold, such as Cyrillic `а`) throws UMBRAL_ERR_INVALID_NAME (400).
 */
export function normalizeUsername(raw: string): string {
  const name = tryNormalizeUsername(raw);
  if (name !== undefined) return name;
  // Callers pass request bodies: a non-string must be the same 400, never a TypeError.
  throw Errors.invalidUsername(typeof raw === 'string' ? shown(raw) : typeof raw);
}

/** `normalizeUsername`, or undefined where it would throw: for lookups, where a bad name matches no one. */
export function tryNormalizeUsername(raw: string): string | undefined {
  if (typeof raw !== 'string' || raw.length > MAX_RAW_LENGTH) return undefined;
  const name = raw.trim().normalize('NFKC').toLowerCase();
  return USERNAME.test(name) ? name : undefined;
}

/** The first 64 code points, never half a surrogate pair. */
function shown(raw: string): string {
  return Array.from(raw.slice(0, SHOWN_LENGTH * 2)).slice(0, SHOWN_LENGTH).join('');
}
