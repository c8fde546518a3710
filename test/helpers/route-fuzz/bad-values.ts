import fc from 'fast-check';

/**
 * Values no client should send, as fast-check arbitraries: the leaves the request generators put
 * into bodies, path parameters and query strings.
 */

/** JSON text put in place as it is (JSON.stringify cannot write 1e400): see `toJsonText`. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Numbers JSON can carry but JavaScript or PostgreSQL cannot hold as sent. */
export const RAW_NUMBERS = ['1e400', '-1e400', '1e-400', '-0', '123456789012345678901234567890', '9007199254740993',
  '18446744073709551616', '-9223372036854775809', '0.1e1', '1E2', '2147483648'];

/** Strings that break naive code: NUL and other controls, unpaired surrogates, bidi overrides, traversal, injection. */
export const NASTY_STRINGS = ['', ' ', '\u0000', 'a\u0000b', '\u0001\u001f\u007f', '\n', '\r\n', '\t', '\ud800', 'x\udfff',
  '\udc00\ud800', '\u202e', '\ufeff', '\uffff', '🙂', 'ünïcödé', '../../etc/passwd', '..', '%00', '%zz', "' OR 1=1 --",
  '"; DROP TABLE umbral_models; --', '__proto__', 'constructor', 'prototype', '${7*7}', '<script>', 'x'.repeat(5000),
  '1e400', 'NaN', 'Infinity', 'true', 'null', '-1', '0'];

/** A JSON array nested `depth` deep around `leaf`, as text: JSON.stringify would overflow the stack. */
export function nested(depth: number, leaf: unknown): RawJson {
  return new RawJson(`${'['.repeat(depth)}${toJsonText(leaf)}${']'.repeat(depth)}`);
}

const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 24 }) },
);

const nastyNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1.5, 255, 256, -129, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 64, -(2 ** 63), 1e308, -1e308, 5e-324),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(...RAW_NUMBERS).map((text) => new RawJson(text)),
);

/** One bad JSON value: a wrong type, an absurd number, a nasty string, an odd structure, deep nesting. */
export const badValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  { weight: 3, arbitrary: nastyNumber },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [[]], [null], { __proto__: null }, JSON.parse('{"__proto__": {"admin": true}}')) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 2, max: 20_000 }), nastyString).map(([depth, leaf]) => nested(depth, leaf)) },
  { weight: 1, arbitrary: fc.array(fc.constant(7), { minLength: 1000, maxLength: 20_000 }) },
  { weight: 1, arbitrary: fc.dictionary(nastyString, nastyString, { maxKeys: 4 }) },
);

/** JSON text of `value`, RawJson leaves written as their own text. */
export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (!(item instanceof RawJson)) return item;
    raws.push(item.text);
    return `\u0000raw${raws.length - 1}\u0000`;
  }) ?? 'null';
  return text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_match, index: string) => raws[Number(index)] as string);
}

/**
 * A path parameter no client should send, as it goes into the URL: percent-encodings of controls
 * and of bytes that are not UTF-8, traversal, names too long for any route, unicode, numbers
 * beyond every range. All printable ASCII, as an HTTP request line requires.
 */
export const badPathParam: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom('%00', 'a%00b', '%0A', '%1F', '%7F', '..', '.', '%2e%2e', '%2E', '%2F', '%2f..%2f', '%5C', '%252e', '%2500',
      '%zz', '%', '%C0%80', '%ED%A0%80', '%FF', '%E2%80%AE', '%EF%BB%BF', '%20', '+', '-1', '0', '1e400', '99999999999999999999',
      '1.5', '__proto__', 'constructor', 'x'.repeat(129), 'x'.repeat(3000), '%F0%9F%99%82', '%C3%BC', 'a;b', 'a,b', '~', '*', '@', ':'),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map(encodeParam) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 300 }).map(encodeParam) },
);

/** encodeURIComponent, or the encoding of U+FFFD where a string holds an unpaired surrogate (it throws there). */
function encodeParam(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%EF%BF%BD';
  }
}

const QUERY_KEYS = ['limit', 'before', 'x', 'model', '__proto__', 'a%00', '%zz', 'limit[]', ''];
const QUERY_VALUES = ['1', '0', '-1', '1.5', '1e3', '1e20', '1e400', '-1e400', 'Infinity', '-Infinity', 'NaN', '0x10', '9007199254740993',
  '', '%00', '%0A', '%zz', '%ED%A0%80', '%FF', 'a+b', 'x'.repeat(2000), '[]', '{}', 'true', 'null'];

/** A query string no client should send: bounds broken, numbers beyond any integer, controls, keys repeated or unknown. */
export const badQuery: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constant('') },
  {
    weight: 4,
    arbitrary: fc.array(fc.tuple(fc.constantFrom(...QUERY_KEYS), fc.oneof(fc.constantFrom(...QUERY_VALUES), fc.string({ unit: 'binary', maxLength: 12 }).map(encodeParam))), { minLength: 1, maxLength: 4 })
      .map((pairs) => `?${pairs.map(([key, value]) => `${key}=${value}`).join('&')}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('?', '?&&', '?=', '?limit', '?limit=1&limit=2', '?%', '?a=%') },
);
