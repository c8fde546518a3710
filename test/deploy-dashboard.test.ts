import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { PACKAGE_ROOT } from '../src/paths.js';
import { liveMetricNames, promqlMetricNames } from './helpers/promql-names.js';
import { PROMTOOL_MISSING, promtool } from './helpers/promtool.js';
import { testTempDir } from './helpers/temp-dir.js';

interface Target { readonly refId: string; readonly expr: string; readonly datasource?: { readonly uid?: string } }
interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource?: { readonly type: string; readonly uid: string };
  readonly targets?: readonly Target[];
  readonly panels?: readonly Panel[];
}
interface Variable { readonly name: string; readonly type: string; readonly query?: unknown; readonly definition?: string }
interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly schemaVersion: number;
  readonly templating: { readonly list: readonly Variable[] };
  readonly panels: readonly Panel[];
}

const dashboard = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'deploy/grafana/dashboards/umbral.json'), 'utf8')) as Dashboard;
const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
const queryPanels = panels.filter((panel) => panel.type !== 'row');
const targets = queryPanels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel, target })));
const variableQueries = dashboard.templating.list.flatMap((v) => (v.type === 'query' && v.definition ? [v.definition] : []));

/** A panel's query as Prometheus would get it: Grafana's variables replaced by what they stand for. */
function asPromql(expr: string): string {
  return expr.replaceAll('$__rate_interval', '5m').replaceAll('$__range', '1h').replace(/\$\{?(model|instance)\}?/g, '.*');
}

/** What the issue asks the dashboard to show, as a metric some panel must read. */
const REQUIRED = {
  traffic: 'umbral_inference_request_duration_seconds_count', latency: 'umbral_inference_request_duration_seconds_bucket',
  'errors by code': 'umbral_inference_request_failure_total', batching: 'umbral_inference_batch_size_sum', cache: 'umbral_cache_lookups_total',
  breakers: 'umbral_upstream_breaker_state', upstreams: 'umbral_upstream_attempts_total', 'rate limits': 'umbral_rate_limited_total',
  'prediction log': 'umbral_prediction_log_records_total', spilling: 'umbral_prediction_log_spilling', drift: 'umbral_drift_score',
};

describe('Grafana dashboard (deploy/grafana/dashboards/umbral.json)', () => {
  it('is a dashboard of a recent schema, its Prometheus a datasource variable, with a model variable', () => {
    assert.ok(dashboard.uid && dashboard.title);
    assert.ok(dashboard.schemaVersion >= 39, `schemaVersion ${dashboard.schemaVersion}`);
    const datasource = dashboard.templating.list.find((v) => v.name === 'datasource');
    assert.deepEqual([datasource?.type, datasource?.query], ['datasource', 'prometheus']);
    assert.match(dashboard.templating.list.find((v) => v.name === 'model')?.definition ?? '', /^label_values\(umbral_\w+, model\)$/);
  });

  it('gives every panel a unique id, a place on the grid, the Prometheus variable and queries', () => {
    const ids = panels.map((panel) => panel.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
    for (const panel of panels) {
      const { x, y, w, h } = panel.gridPos;
      assert.ok([x, y, w, h].every(Number.isInteger) && x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 24, `${panel.title}: gridPos`);
    }
    for (const panel of queryPanels) {
      assert.equal(panel.datasource?.uid, '${datasource}', `${panel.title}: datasource`);
      assert.ok((panel.targets ?? []).length > 0, `${panel.title}: no queries`);
      for (const target of panel.targets ?? []) {
        assert.ok(target.refId && target.expr.trim(), `${panel.title}: a target without refId or expr`);
        assert.equal(target.datasource?.uid ?? '${datasource}', '${datasource}', `${panel.title}: target datasource`);
      }
    }
  });

  it('shows what the issue names', () => {
    const read = new Set(targets.flatMap(({ target }) => promqlMetricNames(target.expr)));
    for (const [what, name] of Object.entries(REQUIRED)) assert.ok(read.has(name), `${what}: no panel reads ${name}`);
  });

  it('asks Prometheus only queries its parser accepts', { skip: PROMTOOL_MISSING }, () => {
    // promtool parses PromQL only inside rules: each query becomes a recording rule.
    const rules = targets.map(({ panel, target }) => ({ record: `dashboard:panel_${panel.id}_${target.refId}`, expr: asPromql(target.expr) }));
    const file = join(testTempDir('umbral-dashboard-'), 'queries.yml');
    writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules }] }));
    const checked = promtool(['check', 'rules', file]);
    assert.equal(checked.status, 0, checked.output);
  });

  describe('against a live /metrics', () => {
    let live: Set<string>;
    before(async () => { live = await liveMetricNames(); });

    it('reads only metrics umbral exports', () => {
      for (const { panel, target } of targets) assert.ok(promqlMetricNames(target.expr).length > 0, `${panel.title}: ${target.refId} reads no umbral metric`);
      const read = [...targets.map(({ target }) => target.expr), ...variableQueries].flatMap((expr) => promqlMetricNames(expr));
      assert.deepEqual([...new Set(read)].filter((name) => !live.has(name)), [], 'metrics the dashboard reads that umbral does not export');
    });
  });
});
