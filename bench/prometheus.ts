/**
 * The value of one sample in a Prometheus text exposition: the first line of metric `name` whose
 * labels include every label given. Undefined when there is none.
 */
export function sampleValue(text: string, name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = parseLabels(match[2] ?? '');
    if (Object.entries(labels).every(([key, value]) => found.get(key) === value)) return Number(match[3]);
  }
  return undefined;
}

/** How much a sample grew between two scrapes (counters, histogram sums and counts). */
export function sampleDelta(before: string, after: string, name: string, labels: Readonly<Record<string, string>> = {}): number {
  return (sampleValue(after, name, labels) ?? 0) - (sampleValue(before, name, labels) ?? 0);
}

function parseLabels(text: string): Map<string, string> {
  const labels = new Map<string, string>();
  for (const [, key, value] of text.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
    if (key !== undefined && value !== undefined) labels.set(key, value);
  }
  return labels;
}
