import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32, tableCrc32 } from './crc32.js';

describe('crc32', () => {
  it('gives the standard check value, natively and from the table', () => {
    const check = new TextEncoder().encode('123456789');
    assert.equal(tableCrc32(check), 0xcbf43926);
    assert.equal(crc32(check), 0xcbf43926);
    assert.equal(tableCrc32(new Uint8Array()), 0);
  });
});
