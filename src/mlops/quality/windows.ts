/** A rolling window as configured (`quality.windows`): a number and a unit, `30m`, `1h`, `24h`, `7d`. */
export const WINDOW_PATTERN = /^([1-9]\d{0,4})([mhd])$/;

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The window's length in milliseconds; undefined when `text` is not a window. */
export function windowMs(text: string): number | undefined {
  const match = WINDOW_PATTERN.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
}
