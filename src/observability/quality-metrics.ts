import { Gauge, type Registry } from 'prom-client';

/** One version's live quality over one window, as the gauges carry it. */
export interface QualityPoint {
  readonly model: string;
  readonly version: string;
  readonly window: string;
  readonly samples: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/** The live-quality gauges (docs/guides/monitoring.md): replaced whole at each refresh. */
export interface QualityGauges {
  /** Sets every point and drops the series of versions and windows no longer computed. */
  replace(points: readonly QualityPoint[]): void;
}

/** Registers `umbral_quality{model,version,metric,window}` and `umbral_quality_samples{model,version,window}`. */
export function registerQualityMetrics(registry: Registry): QualityGauges {
  const quality = new Gauge({
    name: 'umbral_quality', help: 'Live quality of a version over a rolling window, from feedback labels (metric: accuracy, f1_macro, mae, ndcg@10, …).',
    labelNames: ['model', 'version', 'metric', 'window'] as const, registers: [registry],
  });
  const samples = new Gauge({
    name: 'umbral_quality_samples', help: 'Labelled prediction rows live quality was computed from, per version and window.',
    labelNames: ['model', 'version', 'window'] as const, registers: [registry],
  });
  return {
    replace(points) {
      // Reset and set run in one synchronous stretch: a scrape sees the old set or the new one.
      quality.reset();
      samples.reset();
      for (const { model, version, window, metrics, samples: count } of points) {
        samples.set({ model, version, window }, count);
        for (const [metric, value] of Object.entries(metrics)) quality.set({ model, version, metric, window }, value);
      }
    },
  };
}
