import { Gauge, type Registry } from 'prom-client';

/** What the rollout ticker reports (src/control/rollouts/rollout-ticker.ts). */
export interface RolloutMetrics {
  /** The running rollout's challenger share (percent); undefined when the model's rollout ended. */
  share(model: string, share: number | undefined): void;
}

/**
 * Registers umbral_rollout_share{model}: the share of requests a running canary rollout gives its
 * challenger, read from the database on every replica at each tick; the series goes when the rollout ends.
 */
export function registerRolloutMetrics(registry: Registry): RolloutMetrics {
  const gauge = new Gauge({
    name: 'umbral_rollout_share', help: 'Percent of a model\'s requests its running canary rollout gives the challenger (docs/guides/canary.md).',
    labelNames: ['model'] as const, registers: [registry],
  });
  return {
    share: (model, share) => {
      if (share === undefined) gauge.remove({ model });
      else gauge.set({ model }, share);
    },
  };
}
