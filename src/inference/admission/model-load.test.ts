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
    assert.equal(load.expectedWaitMs(), 2 * 10);
  });

  it('does not count an idle gap as an interval', () => {
    const load = new ModelLoad();
    load.enter(0);
    load.leave(10);
    // Ten seconds idle, then busy again: the next interval runs from when it became busy.
    load.enter(10_010);
    load.enter(10_010);
    load.leave(10_020);
    assert.equal(load.expectedWaitMs(), 10);
  });

  it('ignores a leave with nothing held', () => {
    const load = new ModelLoad();
    load.leave(5);
    assert.equal(load.inFlight, 0);
  });
});
