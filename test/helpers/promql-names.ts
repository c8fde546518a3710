import { getJson, startTestServer } from './test-server.js';

/** Prefixes of the metrics umbral exports (its own, and Node's and the process's under `umbral_`). */
const PREFIXES = ['umbral_', 'process_', 'nodejs_'];
const HISTOGRAM_SERIES = ['_bucket', '_sum', '_count'];

/**
 * The metric names a PromQL expression (or a Grafana query such as `label_values(m, model)`) reads:
 * every identifier starting with one of umbral's prefixes, once string literals are removed (so that
 * a label value is never taken for a name) and Grafana's variables (`$model`, `${datasource}`,
 * `[[model]]`).
 */
export function promqlMetricNames(expression: string): string[] {
  const code = expression
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\$\{[^}]*\}|\$\w+|\[\[\w+\]\]/g, '$v');
  const names = [...code.matchAll(/(?<![\w:$])[A-Za-z_:][\w:]*/g)].map((match) => match[0]);
  return [...new Set(names.filter((name) => PREFIXES.some((prefix) => name.startsWith(prefix))))];
}

/**
 * Every name a query may read from a Prometheus text exposition: each family its `# TYPE` lines
 * declare (registered, whether or not it has series yet: drift scores appear after a check), a
 * histogram's `_bucket`, `_sum` and `_count`, and each sample's name.
 */
export function exposedMetricNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name as string);
    if (type === 'histogram') for (const suffix of HISTOGRAM_SERIES) names.add(`${name as string}${suffix}`);
  }
  for (const [, name] of text.matchAll(/^([A-Za-z_:][\w:]*)[{ ]/gm)) names.add(name as string);
  return names;
}

/** The names a live umbral offers: a real server started, scraped once and stopped. */
export async function liveMetricNames(): Promise<Set<string>> {
  const server = await startTestServer();
  try {
    return exposedMetricNames((await getJson(`${server.url}/metrics`)).text);
  } finally {
    await server.shutdown('scraped');
  }
}
