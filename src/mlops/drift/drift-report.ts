import type { DriftSettings } from './drift-settings.js';
import type { ReferenceSummary, StoredScore, VersionCheck } from './drift-store.js';

/** What GET /admin/models/{m}/drift answers (docs/guides/drift.md, "Reading the scores"). */
export interface DriftReport {
  readonly model: string;
  /** The policy's `drift` section with its defaults; null when drift is off for the model. */
  readonly settings: DriftSettings | null;
  readonly versions: VersionReport[];
}

export interface VersionReport {
  readonly version: string;
  readonly reference: Omit<ReferenceSummary, 'version'> | null;
  readonly check: Omit<VersionCheck, 'version'> | null;
  /** Latest score per feature and method, with its alert state. */
  readonly scores: ReadonlyArray<Omit<StoredScore, 'model' | 'version'>>;
}

/** Gathers a model's references, checks and scores by version (versions in numeric order). */
export function buildDriftReport(model: string, settings: DriftSettings | undefined, references: readonly ReferenceSummary[],
  checks: readonly VersionCheck[], scores: readonly StoredScore[]): DriftReport {
  const versions = [...new Set([...references.map((r) => r.version), ...checks.map((c) => c.version), ...scores.map((s) => s.version)])]
    .sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  return {
    model,
    settings: settings ?? null,
    versions: versions.map((version) => {
      const reference = references.find((r) => r.version === version);
      const check = checks.find((c) => c.version === version);
      return {
        version,
        reference: reference ? withoutKeys(reference, 'version') : null,
        check: check ? withoutKeys(check, 'version') : null,
        scores: scores.filter((s) => s.version === version).map((s) => withoutKeys(s, 'model', 'version')),
      };
    }),
  };
}

function withoutKeys<T extends object, K extends keyof T>(value: T, ...keys: K[]): Omit<T, K> {
  const copy = { ...value };
  for (const key of keys) delete copy[key];
  return copy;
}
