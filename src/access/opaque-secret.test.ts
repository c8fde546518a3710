import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateSecret, parseSecret } from './opaque-secret.js';

describe('opaque secrets', () => {
  it('makes ids that never start with "-", so a command line does not read them as options', () => {
    // Without the rule about 1 id in 32 would start with "-": 2,000 ids would hold about 60 of them.
    for (let i = 0; i < 2000; i++) {
      const generated = generateSecret('umb');
      assert.ok(!generated.id.startsWith('-'), generated.id);
      assert.deepEqual(parseSecret(generated.text, 'umb')?.id, generated.id);
    }
  });
});
