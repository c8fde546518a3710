import { formatTable } from './format-table.js';

/** `GET /admin/models/{m}/ab-report` as the server answers it (routes/admin-ab-report.ts). */
export interface AbReportJson {
  readonly model?: string;
  readonly window?: string;
  readonly logged?: boolean;
  readonly variants?: ReadonlyArray<{
    readonly variant: string;
    readonly target: string | null;
    readonly weight: number | null;
    readonly requests: number;
    readonly errors: number;
    readonly error_rate: number | null;
    readonly error_rate_ci95: readonly [number, number] | null;
    readonly quality: { readonly metric: string; readonly value: number; readonly samples: number; readonly ci95: readonly [number, number] | null } | null;
  }>;
}

/** `umbral models ab-report`: one row per variant, rates with their 95 % intervals. */
export function renderAbReport(report: AbReportJson): string {
  const variants = report.variants ?? [];
  const note = report.logged === false ? '\nthe model\'s policy has no prediction_log section: nothing is counted; set prediction_log.sample_rate' : '';
  if (variants.length === 0) return `no traffic split and no variant in the prediction log of ${report.model ?? 'this model'}${note}`;
  const table = formatTable(variants.map((v) => [
    v.variant, v.target ?? '-', v.weight === null ? '-' : `${v.weight}%`, String(v.requests),
    v.error_rate === null ? '-' : `${percent(v.error_rate)} ${interval(v.error_rate_ci95, percent)}`,
    v.quality ? `${v.quality.metric} ${number(v.quality.value)} ${interval(v.quality.ci95, number)} n=${v.quality.samples}` : '-',
  ]), ['VARIANT', 'TARGET', 'WEIGHT', 'REQUESTS', 'ERROR RATE (95% CI)', 'QUALITY (95% CI)']);
  return `${table}\nwindow ${report.window ?? ''}${note}`;
}

const percent = (value: number) => `${(value * 100).toFixed(2)}%`;
const number = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(1) : value.toPrecision(3));

function interval(range: readonly [number, number] | null, show: (value: number) => string): string {
  return range ? `[${show(range[0])}, ${show(range[1])}]` : '';
}
