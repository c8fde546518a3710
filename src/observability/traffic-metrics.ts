import { Counter, Histogram, type Registry } from 'prom-client';

const OUTCOMES = ['ok', 'client_error', 'error'] as const;
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One variant's series, resolved once: a label lookup per request would sit on the hot path. */
interface VariantSeries {
  readonly requests: Readonly<Record<(typeof OUTCOMES)[number], { inc(): void }>>;
  readonly duration: { observe(seconds: number): void };
}

/** What the data plane reports of each request a split assigned (src/inference/traffic/traffic-observer.ts). */
export interface TrafficMetrics {
  served(model: string, variant: string, outcome: (typeof OUTCOMES)[number], seconds: number): void;
}

/**
 * Registers umbral_traffic_requests_total{model,variant,outcome} and
 * umbral_traffic_request_duration_seconds{model,variant} on `registry`. Only requests of a split
 * model are counted; the variants are those of the policies (at most 10 per model), so the series stay few.
 */
export function registerTrafficMetrics(registry: Registry): TrafficMetrics {
  const requests = new Counter({
    name: 'umbral_traffic_requests_total',
    help: 'Requests a model\'s traffic split assigned, by variant and outcome (ok, client_error: 4xx, error: 5xx).',
    labelNames: ['model', 'variant', 'outcome'] as const, registers: [registry],
  });
  const duration = new Histogram({
    name: 'umbral_traffic_request_duration_seconds', help: 'Duration of the requests a model\'s traffic split assigned, by variant, in the data plane.',
    labelNames: ['model', 'variant'] as const, buckets: LATENCY_BUCKETS, registers: [registry],
  });
  const byModel = new Map<string, Map<string, VariantSeries>>();
  const seriesOf = (model: string, variant: string): VariantSeries => {
    let variants = byModel.get(model);
    if (!variants) byModel.set(model, (variants = new Map()));
    let series = variants.get(variant);
    if (!series) {
      const child = (outcome: (typeof OUTCOMES)[number]) => requests.labels({ model, variant, outcome });
      series = { requests: { ok: child('ok'), client_error: child('client_error'), error: child('error') }, duration: duration.labels({ model, variant }) };
      variants.set(variant, series);
    }
    return series;
  };
  return {
    served(model, variant, outcome, seconds) {
      const series = seriesOf(model, variant);
      series.requests[outcome].inc();
      series.duration.observe(seconds);
    },
  };
}
