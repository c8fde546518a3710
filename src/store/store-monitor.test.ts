import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreMonitor, type StoreState } from './store-monitor.js';

/** A database whose next answers the test decides. */
function fakeDb() {
  const db = {
    kind: 'postgres' as const,
    answer: 'ok' as 'ok' | 'fail' | 'hang',
    query: async (): Promise<never[]> => {
      if (db.answer === 'fail') throw new Error('ECONNREFUSED');
      if (db.answer === 'hang') await new Promise(() => undefined);
      return [];
    },
  };
  return db;
}

describe('store monitor', () => {
  it('reports an outage once and the recovery once, with the reason', async () => {
    const db = fakeDb();
    const changes: StoreState[] = [];
    const monitor = new StoreMonitor(db, { intervalMs: 60_000, onChange: (state) => changes.push(state) });
    await monitor.check();
    assert.equal(monitor.state().up, true);
    db.answer = 'fail';
    await monitor.check();
    await monitor.check();
    assert.deepEqual(changes.map((c) => [c.up, c.error]), [[false, 'ECONNREFUSED']]);
    db.answer = 'ok';
    await monitor.check();
    assert.deepEqual(changes.map((c) => c.up), [false, true]);
    assert.equal(monitor.state().error, undefined);
  });

  it('counts a check that does not answer within its timeout as a failure', async () => {
    const db = fakeDb();
    db.answer = 'hang';
    const monitor = new StoreMonitor(db, { intervalMs: 60_000, timeoutMs: 10 });
    await monitor.check();
    assert.equal(monitor.state().up, false);
    assert.match(String(monitor.state().error), /no answer within 10 ms/);
  });
});
