import { Gauge, type Registry } from 'prom-client';
import type { StoredScore } from './drift-store.js';

/** How old the gauge's copy of the scores table may be at a scrape before it is read again. */
const REFRESH_MS = 15_000;
/** A scrape waits this long at most for the table; past it, the values it had are shown. */
const SCRAPE_WAIT_MS = 1_000;
/** A version not checked for this long drops out of the metric (it stopped serving). */
export const GAUGE_HORIZON_MS = 24 * 3_600_000;

/**
 * `umbral_drift_score{model,version,feature,method}`: the latest score of every version checked in
 * the last day. Its values come from the scores table, not from this process's own checks: a check
 * runs on one replica (the scheduler's), and every replica shows the same scores. A scrape re-reads
 * the table when its copy is older than 15 s, waiting 1 s at most (a database outage never stalls
 * /metrics, and is logged once); a check made here updates the copy at once.
 */
export class DriftGauge {
  readonly #gauge: Gauge<'model' | 'version' | 'feature' | 'method'>;
  #scores: readonly StoredScore[] = [];
  #loadedAt = Number.NEGATIVE_INFINITY;
  #loading: Promise<void> | undefined;
  #failing = false;

  constructor(registry: Registry, private readonly load: (since: Date) => Promise<StoredScore[]>, private readonly onError: (error: unknown) => void,
    private readonly refreshMs = REFRESH_MS) {
    this.#gauge = new Gauge({
      name: 'umbral_drift_score',
      help: 'Latest drift score of a feature of a model version against its reference: method psi (population stability index) or ks (Kolmogorov–Smirnov statistic).',
      labelNames: ['model', 'version', 'feature', 'method'] as const,
      registers: [registry],
      // One replica's copy is as good as another's: a fleet aggregates with max.
      aggregator: 'max',
      collect: () => this.#collect(),
    });
  }

  /** Takes the scores a check here just wrote (every stored score, read back). */
  update(scores: readonly StoredScore[]): void {
    this.#scores = scores;
    this.#loadedAt = Date.now();
  }

  async #collect(): Promise<void> {
    if (Date.now() - this.#loadedAt > this.refreshMs) {
      this.#loading ??= this.load(new Date(Date.now() - GAUGE_HORIZON_MS))
        .then((scores) => { this.#failing = false; this.update(scores); }, (error: unknown) => {
          // One log line per outage, and the next try a refresh period later: scrapes come often.
          this.#loadedAt = Date.now();
          if (!this.#failing) this.onError(error);
          this.#failing = true;
        })
        .finally(() => { this.#loading = undefined; });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.#loading, new Promise<void>((resolve) => { timer = setTimeout(resolve, SCRAPE_WAIT_MS); })]);
      clearTimeout(timer);
    }
    this.#gauge.reset();
    for (const s of this.#scores) this.#gauge.set({ model: s.model, version: s.version, feature: s.feature, method: s.method }, s.score);
  }
}
