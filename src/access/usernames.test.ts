import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Errors } from '../errors/catalogue.js';
import { normalizeUsername, tryNormalizeUsername } from './usernames.js';

const VALID = /^[a-z0-9][a-z0-9._@-]{2,63}$/;
const refused = { code: Errors.invalidUsername.code, status: 400 };

describe('normalizeUsername', () => {
  it('trims, folds case and keeps the allowed characters', () => {
    assert.equal(normalizeUsername('  Alice  '), 'alice');
    assert.equal(normalizeUsername('Bob.Smith_2@Example.COM'), 'bob.smith_2@example.com');
    assert.equal(normalizeUsername('9lives-x'), '9lives-x');
    assert.equal(normalizeUsername('abc'), 'abc');
    assert.equal(normalizeUsername('\talice\r\n'), 'alice');
    assert.equal(normalizeUsername('a'.repeat(64)), 'a'.repeat(64));
  });

  it('folds compatibility look-alikes to the one name they spell, so they cannot pose as another user', () => {
    assert.equal(normalizeUsername('ａｄｍｉｎ'), 'admin'); // fullwidth
    assert.equal(normalizeUsername('\u212Aelvin'), 'kelvin'); // KELVIN SIGN
    assert.equal(normalizeUsername('\u{1D41A}\u{1D41D}\u{1D426}\u{1D422}\u{1D427}'), 'admin'); // mathematical bold
    assert.equal(normalizeUsername('\u2003admin\u3000'), 'admin'); // em and ideographic spaces
    assert.equal(normalizeUsername('ﬁle'), 'file'); // the fi ligature
  });

  it('refuses wrong lengths, a leading symbol and characters outside the set', () => {
    for (const raw of ['', '   ', 'ab', 'a'.repeat(65), '.alice', '_alice', '-alice', '@alice', 'al ice', 'al/ice',
      'al\\ice', 'al+ice', 'al:ice', 'alice!', 'ali\tce', 'al\nice', 'élodie']) {
      assert.throws(() => normalizeUsername(raw), refused, JSON.stringify(raw));
    }
  });

  it('refuses look-alikes that NFKC does not fold (Cyrillic, Greek) and invisible characters', () => {
    for (const raw of ['\u0430dmin', 'adm\u0456n', '\u03B1dmin', 'ad\u200Bmin', 'ad\u00ADmin', 'admin\u202E', 'a\u0301bc']) {
      assert.throws(() => normalizeUsername(raw), refused, JSON.stringify(raw));
    }
  });

  it('answers injection-looking input with the 400 or a harmless name, never another error', () => {
    const nasty = [
      "admin' OR '1'='1", "admin'--", 'admin"; DROP TABLE umbral_users; --', '<script>alert(1)</script>',
      '../..', '..\\..\\windows', 'alice\u0000', '\u0000\u0000\u0000', '%00admin', '${jndi:ldap://x}', '{{7*7}}',
      'a'.repeat(10_240), ' '.repeat(10_240) + 'alice', '\uD800abc', 'abc\uDFFF', '\u{1F600}\u{1F600}\u{1F600}',
      'ＡＤＭＩＮ＇ ＯＲ ＇1＇＝＇1', '﹤script﹥', '..%2f..', 'admin@evil.example',
    ];
    for (const raw of nasty) {
      try {
        assert.match(normalizeUsername(raw), VALID, JSON.stringify(raw.slice(0, 40)));
      } catch (error) {
        assert.equal((error as { code?: string }).code, Errors.invalidUsername.code, JSON.stringify(raw.slice(0, 40)));
      }
    }
    assert.equal(normalizeUsername('admin@evil.example'), 'admin@evil.example');
    assert.throws(() => normalizeUsername("admin' OR '1'='1"), refused);
    assert.throws(() => normalizeUsername('a'.repeat(10_240)), refused);
  });

  it('names at most 64 characters of the input in the message, never half a surrogate pair', () => {
    assert.throws(() => normalizeUsername(`${'x'.repeat(63)}\u{1F600}${'y'.repeat(10_000)}`), (error: Error) => {
      assert.ok(error.message.includes(`'${'x'.repeat(63)}\u{1F600}'`), error.message.slice(0, 200));
      assert.ok(!error.message.includes('y'));
      return true;
    });
  });

  it('refuses a value that is not a string with the same 400', () => {
    for (const raw of [undefined, null, 42, { toString: () => 'alice' }, ['alice']]) {
      assert.throws(() => normalizeUsername(raw as unknown as string), refused);
    }
  });

  it('tryNormalizeUsername gives undefined where normalizeUsername throws', () => {
    assert.equal(tryNormalizeUsername(' Alice '), 'alice');
    assert.equal(tryNormalizeUsername("admin' OR '1'='1"), undefined);
    assert.equal(tryNormalizeUsername(undefined as unknown as string), undefined);
  });
});
