import type { EvaluationReport, VersionReport } from '../mlops/evaluation/evaluation-report.js';
import { LOWER_IS_BETTER } from '../mlops/evaluation/evaluation-report.js';
import type { ModelPolicy } from '../model/policy.js';

const TOLERANCE = 1e-9;

/** The policy's `promotion` section, as checked. */
export type PromotionGateSection = NonNullable<ModelPolicy['promotion']>;

/** What the gate found: passed or not, why not, and the numbers it judged. */
export interface GateVerdict {
  readonly passed: boolean;
  /** Why it failed, each a sentence; empty when it passed. */
  readonly reasons: readonly string[];
  readonly champion: number;
  readonly challenger: number;
  readonly metric?: {
    readonly name: string;
    readonly champion: number;
    readonly challenger: number;
    /** Challenger better by this much (in the metric's units, or a share of the champion's value when relative); lower-is-better metrics counted the right way round. */
    readonly improvement: number;
    readonly required: number;
    readonly kind: 'absolute' | 'relative';
  };
  readonly latency?: {
    readonly championP99Ms: number;
    readonly challengerP99Ms: number;
    readonly regressionMs: number;
    readonly allowed: { readonly relative?: number; readonly ms?: number };
  };
  /** The report judged, by id. */
  readonly reportId?: string;
}

/**
 * Judges `challenger` against `champion` in `report` by the gate: the metric must improve by at least
 * `min_improvement` (absolute or relative), the challenger must answer every row, and its p99
 * latency may exceed the champion's by at most one of the bounds of `max_latency_regression`.
 */
export function judgeGate(gate: PromotionGateSection, report: EvaluationReport, champion: number, challenger: number): GateVerdict {
  const reasons: string[] = [];
  const of = (version: number) => report.versions.find((v) => v.version === version);
  const [before, after] = [of(champion), of(challenger)];
  if (!before || !after) return { passed: false, reasons: ['the report does not hold both versions'], champion, challenger, reportId: report.id };
  if (after.failed > 0) reasons.push(`the challenger failed ${after.failed} of ${after.rows} rows (${after.failures[0]?.code ?? 'no answer'})`);
  const metric = judgeMetric(gate, before, after, reasons);
  const latency = judgeLatency(gate, before, after, reasons);
  return { passed: reasons.length === 0, reasons, champion, challenger, ...(metric ? { metric } : {}), ...(latency ? { latency } : {}), reportId: report.id };
}

function judgeMetric(gate: PromotionGateSection, before: VersionReport, after: VersionReport, reasons: string[]): GateVerdict['metric'] {
  const name = gate.metric;
  const [a, b] = [before.metrics[name], after.metrics[name]];
  if (a === undefined || b === undefined) {
    reasons.push(`metric '${name}' was not computed for ${a === undefined ? 'the champion' : 'the challenger'} (no row it could be computed from)`);
    return undefined;
  }
  const kind = gate.improvement ?? 'absolute';
  const required = gate.min_improvement ?? 0;
  const gain = LOWER_IS_BETTER.has(name) ? a - b : b - a;
  const improvement = kind === 'absolute' ? gain : a === 0 ? (gain === 0 ? 0 : Math.sign(gain) * Infinity) : gain / Math.abs(a);
  // Within floating-point noise: 0.85 - 0.80 is 0.04999…, and counts as the 0.05 it is.
  if (!(improvement >= required - TOLERANCE)) {
    reasons.push(`${name} ${fixed(b)} against the champion's ${fixed(a)}: ${kind === 'relative' ? `${fixed(improvement * 100)} %` : fixed(improvement)} better, ${kind === 'relative' ? `${fixed(required * 100)} %` : fixed(required)} required`);
  }
  return { name, champion: a, challenger: b, improvement, required, kind };
}

function judgeLatency(gate: PromotionGateSection, before: VersionReport, after: VersionReport, reasons: string[]): GateVerdict['latency'] {
  const bound = gate.max_latency_regression;
  if (!bound || !before.latencyMs || !after.latencyMs) return undefined;
  const championP99Ms = before.latencyMs.p99;
  const challengerP99Ms = after.latencyMs.p99;
  const regressionMs = challengerP99Ms - championP99Ms;
  const withinRelative = bound.relative !== undefined && regressionMs <= bound.relative * championP99Ms;
  const withinMs = bound.ms !== undefined && regressionMs <= bound.ms;
  if (regressionMs > 0 && !withinRelative && !withinMs) {
    const allowed = [bound.relative !== undefined ? `${fixed(bound.relative * 100)} %` : '', bound.ms !== undefined ? `${bound.ms} ms` : ''].filter(Boolean).join(' or ');
    reasons.push(`p99 latency ${fixed(challengerP99Ms)} ms against the champion's ${fixed(championP99Ms)} ms: ${fixed(regressionMs)} ms slower, at most ${allowed} allowed`);
  }
  const allowed = { ...(bound.relative !== undefined ? { relative: bound.relative } : {}), ...(bound.ms !== undefined ? { ms: bound.ms } : {}) };
  return { championP99Ms, challengerP99Ms, regressionMs, allowed };
}

function fixed(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 10_000) / 10_000) : String(value);
}
