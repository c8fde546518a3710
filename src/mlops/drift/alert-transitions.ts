import type { DriftMethod, FeatureScore } from './score-window.js';

/** The alert state of one feature and method, as kept between checks (table umbral_drift_scores). */
export interface AlertState {
  readonly feature: string;
  readonly method: DriftMethod;
  /** The score was over its threshold at the last check. */
  readonly alerting: boolean;
  /** When it last went over. */
  readonly alertedAt: Date | null;
  /** When it last came back to or under the threshold. */
  readonly clearedAt: Date | null;
}

export interface ScoredState extends FeatureScore, AlertState {}

export interface Transitions {
  /** Every score with its new state. */
  readonly states: ScoredState[];
  /** Scores that went over their threshold at this check: one alert each, once per crossing. */
  readonly crossed: ScoredState[];
  /** Scores that came back to or under their threshold at this check. */
  readonly cleared: ScoredState[];
}

export const stateKey = (feature: string, method: string): string => `${method}\u0000${feature}`;

/**
 * The new alert states given the previous ones: a score over its threshold that was not over it
 * before is a crossing (alert); one at or under it that was over it is a return. A feature the
 * window did not score keeps its state (it is not written).
 */
export function alertTransitions(previous: ReadonlyMap<string, AlertState>, scores: readonly FeatureScore[], now: Date): Transitions {
  const states: ScoredState[] = [];
  const crossed: ScoredState[] = [];
  const cleared: ScoredState[] = [];
  for (const score of scores) {
    const before = previous.get(stateKey(score.feature, score.method));
    const was = before?.alerting ?? false;
    const is = score.score > score.threshold;
    const state: ScoredState = {
      ...score,
      alerting: is,
      alertedAt: is && !was ? now : before?.alertedAt ?? null,
      clearedAt: !is && was ? now : before?.clearedAt ?? null,
    };
    states.push(state);
    if (is && !was) crossed.push(state);
    if (!is && was) cleared.push(state);
  }
  return { states, crossed, cleared };
}
