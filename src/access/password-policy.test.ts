import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Errors } from '../errors/catalogue.js';
import { isUmbralError } from '../errors/umbral-error.js';
import { checkPassword } from './password-policy.js';

const RULES = { minLength: 12, username: 'alice' };

function refusal(password: string, rules = RULES): string {
  try {
    checkPassword(password, rules);
  } catch (error) {
    assert.ok(isUmbralError(error));
    assert.equal(error.code, Errors.weakPassword.code);
    assert.equal(error.status, 400);
    return error.message;
  }
  assert.fail(`'${password}' was accepted`);
}

describe('checkPassword', () => {
  it('accepts a long, uncommon password', () => {
    assert.doesNotThrow(() => checkPassword('violet tractor sings at noon', RULES));
    assert.doesNotThrow(() => checkPassword('x'.repeat(11) + 'y', RULES));
  });

  it('refuses a password shorter than the minimum, counting code points, and says how long to make it', () => {
    assert.match(refusal('short-pass1'), /it has 11 characters; use at least 12/);
    // 11 emoji are 22 UTF-16 units but 11 characters.
    assert.match(refusal('🔑🐢🌵🎲🚲🍋🎈🧩🪁🦉🛶'), /it has 11 characters; use at least 12/);
    assert.doesNotThrow(() => checkPassword('🔑🐢🌵🎲🚲🍋🎈🧩🪁🦉🛶🧭', RULES));
    assert.match(refusal('abcdefg', { minLength: 8, username: 'bob' }), /use at least 8/);
  });

  it('refuses a password longer than 256 characters', () => {
    const at = 'correct horse battery staple '.repeat(9).slice(0, 256);
    assert.doesNotThrow(() => checkPassword(at, RULES));
    assert.match(refusal(at + 'z'), /it has 257 characters; use at most 256/);
  });

  it('refuses common passwords whatever their case', () => {
    for (const common of ['qwerty123456', 'QWERTY123456', 'LeaveMeAlone', '1q2w3e4r5t6y']) {
      assert.match(refusal(common), /commonly used passwords; choose a less predictable one/, common);
    }
    assert.match(refusal('password', { minLength: 8, username: 'bob' }), /commonly used/);
  });

  it('refuses a password equal to or containing the username, case-insensitively', () => {
    const rules = { minLength: 8, username: 'MargaretH' };
    assert.match(refusal('margareth', rules), /contains the username/);
    assert.match(refusal('my name is MARGARETH!', rules), /contains the username/);
    assert.match(refusal('xx-alice-2024-xx'), /contains the username/);
  });

  it('does not look for usernames shorter than three characters', () => {
    assert.doesNotThrow(() => checkPassword('bob-cat-hat-mat', { minLength: 12, username: 'bo' }));
    assert.match(refusal('bob-cat-hat-mat', { minLength: 12, username: 'bob' }), /contains the username/);
  });

  it('refuses one character repeated, including a repeated emoji', () => {
    assert.match(refusal('aaaaaaaaaaaaaaaa'), /one character repeated/);
    assert.match(refusal('🔑'.repeat(12)), /one character repeated/);
    assert.match(refusal('\n'.repeat(12)), /one character repeated/);
  });
});
