import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { counterStoreContract } from '../../../test/support/access/counter-store-contract.js';
import { MemoryCounterStore } from './memory-counter-store.js';

counterStoreContract('memory', async () => new MemoryCounterStore());

describe('MemoryCounterStore specifics', () => {
  it('forgets idle counters and leases, so memory does not grow with every caller ever seen', async () => {
    const store = new MemoryCounterStore({ sweepMs: 20 });
    try {
      await store.hit('idle', 1, 50);
      assert.ok(await store.acquire('idle', 1, 50));
      await store.hit('busy', 5, 60_000);
      assert.equal(store.size, 3);
      await sleep(200);
      assert.equal(store.size, 1, 'only the counter whose window is still open is kept');
    } finally {
      await store.close();
    }
  });
});
