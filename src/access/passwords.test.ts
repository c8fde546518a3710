import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOptions } from '@node-rs/argon2';
import { DUMMY_PASSWORD_HASH, PASSWORD_HASH_OPTIONS, hashPassword, verifyAgainstDummy, verifyPassword } from './passwords.js';

async function medianMs(times: number, run: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = process.hrtime.bigint();
    await run();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return samples.sort((a, b) => a - b)[Math.floor(times / 2)] as number;
}

describe('passwords', () => {
  it('hashes with argon2id at the OWASP parameters and a fresh salt each time', async () => {
    const first = await hashPassword('correct horse battery staple');
    const second = await hashPassword('correct horse battery staple');
    assert.match(first, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.notEqual(first, second);
    assert.ok(!first.includes('correct horse'));
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery staple');
    assert.equal(await verifyPassword(stored, 'correct horse battery staple'), true);
    assert.equal(await verifyPassword(stored, 'correct horse battery stapl'), false);
    assert.equal(await verifyPassword(stored, 'Correct horse battery staple'), false);
    assert.equal(await verifyPassword(stored, ''), false);
  });

  it('round-trips passwords beyond ASCII', async () => {
    const password = 'пароль-密码-🔑-émoji';
    assert.equal(await verifyPassword(await hashPassword(password), password), true);
    assert.equal(await verifyPassword(await hashPassword(password), password.normalize('NFD')), false);
  });

  it('answers false, never throws, for hashes it did not write', async () => {
    const real = await hashPassword('secret-password');
    const malformed = [
      '', 'garbage', real.slice(0, -10), real.replace('argon2id', 'argon2x'),
      '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW',
      '$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHRzYWx0$aGFzaGhhc2hoYXNo',
    ];
    for (const stored of malformed) assert.equal(await verifyPassword(stored, 'secret-password'), false, stored);
  });

  it('refuses, without running argon2, a hash whose parameters would exhaust memory or CPU', async () => {
    // Run, m=4294967295 allocates 4 TiB and the process is killed; t=100000 takes minutes.
    const planted = [
      '$argon2id$v=19$m=4294967295,t=2,p=1$c29tZXNhbHQ$aGFzaA',
      '$argon2id$v=19$m=19456,t=100000,p=1$c29tZXNhbHQ$aGFzaA',
      '$argon2id$v=19$m=19456,t=2,p=255$c29tZXNhbHQ$aGFzaA',
    ];
    for (const stored of planted) {
      const start = Date.now();
      assert.equal(await verifyPassword(stored, 'x'), false, stored);
      assert.ok(Date.now() - start < 100, `refused at once: ${stored}`);
    }
  });

  it('keeps the dummy hash at the same parameters as new hashes', () => {
    const dummy = parseOptions(DUMMY_PASSWORD_HASH);
    assert.deepEqual(
      { algorithm: dummy.algorithm, memoryCost: dummy.memoryCost, timeCost: dummy.timeCost, parallelism: dummy.parallelism },
      { ...PASSWORD_HASH_OPTIONS },
    );
  });

  it('spends as long on an unknown user as on a wrong password, and answers false', async () => {
    const stored = await hashPassword('the-real-password');
    assert.equal(await verifyAgainstDummy('the-real-password'), false);
    const wrong = await medianMs(7, () => verifyPassword(stored, 'a-wrong-password'));
    const dummy = await medianMs(7, () => verifyAgainstDummy('a-wrong-password'));
    assert.ok(dummy > wrong * 0.5 && dummy < wrong * 2, `dummy ${dummy.toFixed(1)} ms vs wrong password ${wrong.toFixed(1)} ms`);
  });
});
