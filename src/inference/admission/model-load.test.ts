import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelLoad } from './model-load.js';

describe('model load (Little\'s law)', () => {
  it('expects no wait with nothing held, whatever came before', () => {
    const load = new ModelLoad();
    assert.equal(load.expectedWaitMs(), 0);
    load.enter(0);
    load.leave(100);
    assert.equal(load.inFlight, 0);
    assert.equal(load.expectedWaitMs(), 0);
  });

  it('expects the held requests times the interval between answers while busy', () => {
    const load = new ModelLoad();
    for (let i = 0; i < 4; i++) load.enter(0);
    load.leave(10);
    load.leave(20);
    assert.equal(load.inFlight, 2);
    assert.ok(Math.abs(load.expectedWaitMs() - 2 * 10) < 1e-9, String(load.expectedWaitMs()));
  });

  it('does not count an idle gap as an interval', () => {
    const load = new ModelLoad();
    load.enter(0);
    load.leave(10);
    // Ten seconds idle, then busy again: the next interval runs from when it became busy.
    load.enter(10_010);
    load.enter(10_010);
    load.leave(10_020);
    assert.ok(Math.abs(load.expectedWaitMs() - 10) < 1e-9, String(load.expectedWaitMs()));
  });

  it('counts answers given together (a batch) as that many answers over the run\'s time', () => {
    const load = new ModelLoad();
    for (let i = 0; i < 65; i++) load.enter(0);
    // One run of 64 rows took 32 ms: 0.5 ms an answer, whatever order they are handed back in.
    for (let i = 0; i < 64; i++) load.leave(32);
    assert.equal(load.inFlight, 1);
    assert.ok(Math.abs(load.expectedWaitMs() - 0.5) < 0.01, String(load.expectedWaitMs()));
  });

  it('ignores a leave with nothing held', () => {
    const load = new ModelLoad();
    load.leave(5);
    assert.equal(load.inFlight, 0);
  });
});
