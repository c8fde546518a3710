import type { ShadowPlan } from '../../inference/model-plan.js';
import type { ShadowRequest } from '../../inference/shadow-observer.js';
import { Reservoir } from '../drift/reservoir.js';
import type { Comparison } from './compare-answers.js';
import type { ShadowOutcome, ShadowOutcomes } from './shadow-outcomes.js';

/** Latencies kept per side for the quantiles (a uniform sample of everything since start). */
const LATENCY_SAMPLE = 2048;

/** Latency quantiles in milliseconds; null before the first sample. */
export type LatencyQuantiles = { readonly p50: number; readonly p99: number } | null;

/** What GET /admin/models/{m}/shadow answers of one target version. */
export interface ShadowVersionReport {
  /** The version the mirrored requests were sent to (the alias name when the target's alias pointed nowhere). */
  readonly version: string;
  /** The target as the policy wrote it when these requests were mirrored, last seen. */
  readonly target: string;
  readonly requests: Readonly<Record<ShadowOutcome, number>>;
  /** agreed / (agreed + disagreed); null before the first comparison. */
  readonly agreementRate: number | null;
  /** Mean of the per-request mean absolute differences of numeric outputs; null when none was numeric. */
  readonly meanOutputDifference: number | null;
  /** Primary: the client's request in the data plane; shadow: the target's answer (resolution, queue, run), both in ms. */
  readonly latencyMs: { readonly primary: LatencyQuantiles; readonly shadow: LatencyQuantiles };
  /** Failed mirrors by catalogue code, and the last failure. */
  readonly failures: Readonly<Record<string, number>>;
  readonly lastFailure: { readonly code: string; readonly message: string; readonly at: Date } | null;
}

/** What GET /admin/models/{m}/shadow answers (docs/guides/shadow.md). */
export interface ShadowReport {
  readonly model: string;
  /** Counts are this process's, since `since`: each replica answers for what it mirrored. */
  readonly scope: 'process';
  readonly since: Date;
  /** The policy's `traffic.shadow` in force now; null when the model mirrors nothing. */
  readonly shadow: { readonly target: string; readonly version: string; readonly sampleRate: number } | null;
  /** Every target version mirrored to since start, in numeric order. */
  readonly versions: readonly ShadowVersionReport[];
}

class VersionTally {
  readonly requests: Record<ShadowOutcome, number> = { agreed: 0, disagreed: 0, failed: 0, dropped: 0 };
  readonly failures = new Map<string, number>();
  lastFailure: ShadowVersionReport['lastFailure'] = null;
  differenceSum = 0;
  differences = 0;
  readonly primary = new Reservoir(LATENCY_SAMPLE, 1);
  readonly shadow = new Reservoir(LATENCY_SAMPLE, 2);

  constructor(public target: string) {}

  report(version: string): ShadowVersionReport {
    const { agreed, disagreed } = this.requests;
    return {
      version, target: this.target, requests: { ...this.requests },
      agreementRate: agreed + disagreed === 0 ? null : agreed / (agreed + disagreed),
      meanOutputDifference: this.differences === 0 ? null : this.differenceSum / this.differences,
      latencyMs: { primary: quantiles(this.primary.values()), shadow: quantiles(this.shadow.values()) },
      failures: Object.fromEntries([...this.failures].sort(([a], [b]) => a.localeCompare(b))), lastFailure: this.lastFailure,
    };
  }
}

/**
 * Counts of every mirrored request since this process started, per model and target version: the
 * outcomes, the agreement rate, the mean output difference and latency quantiles of both sides.
 * Per process: each replica answers for the requests it mirrored.
 */
export class ShadowStats implements ShadowOutcomes {
  readonly #models = new Map<string, Map<string, VersionTally>>();
  readonly since = new Date();

  dropped(request: ShadowRequest): void {
    this.#tally(request).requests.dropped++;
  }

  failed(request: ShadowRequest, failure: { readonly code: string; readonly message: string }): void {
    const tally = this.#tally(request);
    tally.requests.failed++;
    tally.failures.set(failure.code, (tally.failures.get(failure.code) ?? 0) + 1);
    tally.lastFailure = { ...failure, at: new Date() };
  }

  compared(request: ShadowRequest, comparison: Comparison, shadowMs: number): void {
    const tally = this.#tally(request);
    tally.requests[comparison.agreed ? 'agreed' : 'disagreed']++;
    if (comparison.difference !== undefined) {
      tally.differenceSum += comparison.difference;
      tally.differences++;
    }
    tally.primary.add(request.latencyMs);
    tally.shadow.add(shadowMs);
  }

  /** The model's report, with the shadow `plan` in force now. */
  report(model: string, plan: ShadowPlan | undefined): ShadowReport {
    const versions = this.#models.get(model) ?? new Map<string, VersionTally>();
    return {
      model, scope: 'process', since: this.since,
      shadow: plan ? { target: plan.target, version: plan.version, sampleRate: plan.sampleRate } : null,
      versions: [...versions].sort(([a], [b]) => Number(a) - Number(b) || a.localeCompare(b)).map(([version, tally]) => tally.report(version)),
    };
  }

  #tally(request: ShadowRequest): VersionTally {
    let versions = this.#models.get(request.model);
    if (!versions) {
      versions = new Map();
      this.#models.set(request.model, versions);
    }
    let tally = versions.get(request.targetVersion);
    if (!tally) {
      tally = new VersionTally(request.target);
      versions.set(request.targetVersion, tally);
    }
    tally.target = request.target;
    return tally;
  }
}

/** Nearest-rank quantiles of a sample. */
export function quantiles(values: number[]): LatencyQuantiles {
  if (values.length === 0) return null;
  const sorted = values.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
  return { p50: at(0.5), p99: at(0.99) };
}
