import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoginThrottle } from './login-throttle.js';
import { MemoryCounterStore } from './rate-limit/memory-counter-store.js';

describe('LoginThrottle', () => {
  const open = () => new LoginThrottle(new MemoryCounterStore(), { perAccount: 2, perAddress: 3, windowMs: 60_000 });

  it('refuses an account after its failures, whatever the address, and however the name is written', async () => {
    const throttle = open();
    await throttle.failed('Alice', '10.0.0.1');
    await throttle.failed('alice ', '10.0.0.2');
    await assert.rejects(throttle.check('ALICE', '10.0.0.3'), { code: 'UMBRAL_ERR_LOGIN_THROTTLED', status: 429 });
    await throttle.check('bob', '10.0.0.3');
  });

  it('refuses an address after its failures, whatever the account, with a Retry-After', async () => {
    const throttle = open();
    for (const name of ['a1', 'a2', 'a3']) await throttle.failed(name, '10.0.0.9');
    await assert.rejects(throttle.check('someone-else', '10.0.0.9'), (error: { retryAfterSeconds?: number }) => {
      assert.ok((error.retryAfterSeconds ?? 0) >= 1);
      return true;
    });
    await throttle.check('someone-else', '10.0.0.10');
  });

  it('does not count checks, only failures', async () => {
    const throttle = open();
    for (let i = 0; i < 10; i += 1) await throttle.check('carol', '10.0.0.4');
    await throttle.failed('carol', '10.0.0.4');
    await throttle.check('carol', '10.0.0.4');
  });
});
