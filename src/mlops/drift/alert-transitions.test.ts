import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alertTransitions, stateKey, type AlertState } from './alert-transitions.js';
import type { FeatureScore } from './score-window.js';

const score = (value: number, feature = 'x[0]'): FeatureScore => ({ feature, method: 'psi', score: value, threshold: 0.2, samples: 100 });
const T1 = new Date('2026-01-01T00:05:00Z');
const T2 = new Date('2026-01-01T00:10:00Z');
const T3 = new Date('2026-01-01T00:15:00Z');

function run(states: Map<string, AlertState>, scores: FeatureScore[], now: Date) {
  const result = alertTransitions(states, scores, now);
  for (const state of result.states) states.set(stateKey(state.feature, state.method), state);
  return result;
}

describe('alertTransitions', () => {
  it('alerts once per crossing, notes the return, and alerts again on the next crossing', () => {
    const states = new Map<string, AlertState>();
    const first = run(states, [score(0.5)], T1);
    assert.equal(first.crossed.length, 1);
    assert.equal(first.crossed[0]?.alertedAt, T1);

    const still = run(states, [score(0.7)], T2);
    assert.equal(still.crossed.length, 0, 'still over: no second alert');
    assert.equal(still.states[0]?.alertedAt, T1);

    const back = run(states, [score(0.1)], T3);
    assert.equal(back.crossed.length, 0);
    assert.equal(back.cleared.length, 1);
    assert.equal(back.states[0]?.clearedAt, T3);
    assert.equal(back.states[0]?.alerting, false);

    const again = run(states, [score(0.3)], new Date('2026-01-01T00:20:00Z'));
    assert.equal(again.crossed.length, 1);
  });

  it('does not alert on a score equal to its threshold, nor note a return that was never an alert', () => {
    const result = alertTransitions(new Map(), [score(0.2), score(0.1, 'x[1]')], T1);
    assert.deepEqual([result.crossed.length, result.cleared.length], [0, 0]);
    assert.equal(result.states.every((s) => !s.alerting && s.alertedAt === null && s.clearedAt === null), true);
  });

  it('keeps each feature and method apart', () => {
    const states = new Map<string, AlertState>();
    run(states, [score(0.5, 'a')], T1);
    const result = run(states, [score(0.5, 'a'), score(0.5, 'b'), { ...score(0.5, 'a'), method: 'ks', threshold: 0.3 }], T2);
    assert.deepEqual(result.crossed.map((s) => `${s.feature}/${s.method}`), ['b/psi', 'a/ks']);
  });
});
