import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BACKEND_KINDS } from '../model/backend-kind.js';
import { BACKENDS, createBackends } from './backend-registry.js';

describe('backend registry', () => {
  it('builds one backend of every kind a model may name, each reporting its kind', async () => {
    assert.deepEqual(Object.keys(BACKENDS).sort(), [...BACKEND_KINDS].sort());
    const backends = createBackends({ workers: 1, intraOpThreads: 1 });
    assert.deepEqual(Object.keys(backends).sort(), Object.keys(BACKENDS).sort());
    for (const [kind, backend] of Object.entries(backends)) {
      assert.equal(backend.kind, kind);
      await backend.close();
    }
  });
});
