/** Number formats of the results table. */

export function formatRate(perSecond: number): string {
  return Number.isFinite(perSecond) ? Math.round(perSecond).toLocaleString('en-US') : 'n/a';
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return ms < 10 ? ms.toFixed(2) : ms.toFixed(1);
}

export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : 'n/a';
}

export function formatBatch(rows: number): string {
  return Number.isFinite(rows) ? rows.toFixed(1) : 'n/a';
}

export function formatCores(cores: number): string {
  return Number.isFinite(cores) ? cores.toFixed(2) : 'n/a';
}

/** Milliseconds as seconds, two decimals. */
export function formatSeconds(ms: number): string {
  return Number.isFinite(ms) ? (ms / 1000).toFixed(2) : 'n/a';
}

/** Bytes as MiB, whole. */
export function formatMiB(bytes: number): string {
  return Number.isFinite(bytes) ? Math.round(bytes / 2 ** 20).toLocaleString('en-US') : 'n/a';
}
