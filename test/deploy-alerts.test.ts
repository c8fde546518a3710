import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../src/paths.js';
import { exposedMetricNames, liveMetricNames, promqlMetricNames } from './helpers/promql-names.js';
import { PROMTOOL_MISSING, promtool } from './helpers/promtool.js';

const RULES_DIR = join(PACKAGE_ROOT, 'deploy/prometheus/rules');
const RULES = join(RULES_DIR, 'umbral-rules.yml');
const RULE_TESTS = join(RULES_DIR, 'umbral-rules.test.yml');

interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}
interface RuleTests {
  readonly tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> }>;
}

const alerts = (parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: AlertRule[] }> })
  .groups.flatMap((group) => group.rules);

/** What the issue asks umbral's alerts to cover, by the alert that covers it. */
const REQUIRED = {
  'instance down': 'UmbralInstanceDown', 'error ratio': 'UmbralHighErrorRatio', 'p99 latency per model': 'UmbralHighP99Latency',
  'breaker open': 'UmbralUpstreamBreakerOpen', 'queue saturation': 'UmbralQueueSaturated', 'rate-limit store down': 'UmbralRateLimitStoreDown',
  'cache store down': 'UmbralCacheStoreDown', 'prediction log spilling': 'UmbralPredictionLogSpilling', 'drift over threshold': 'UmbralModelDrift',
  memory: 'UmbralHighMemory',
};

describe('Prometheus alert rules (deploy/prometheus/rules)', () => {
  it('pass promtool check rules', { skip: PROMTOOL_MISSING }, () => {
    const checked = promtool(['check', 'rules', RULES]);
    assert.equal(checked.status, 0, checked.output);
  });

  it('pass their promtool unit tests', { skip: PROMTOOL_MISSING }, () => {
    const tested = promtool(['test', 'rules', RULE_TESTS]);
    assert.equal(tested.status, 0, tested.output);
  });

  it('have a unit test where each alert fires and one where it does not', () => {
    const cases = (parse(readFileSync(RULE_TESTS, 'utf8')) as RuleTests).tests.flatMap((test) => test.alert_rule_test ?? []);
    for (const { alert } of alerts) {
      const mine = cases.filter((c) => c.alertname === alert);
      assert.ok(mine.some((c) => (c.exp_alerts ?? []).length > 0), `${alert}: no case where it fires`);
      assert.ok(mine.some((c) => (c.exp_alerts ?? []).length === 0), `${alert}: no case where it stays silent`);
    }
  });

  it('cover every alert the issue names, each with a severity, a for: and what to tell a human', () => {
    const names = alerts.map((rule) => rule.alert);
    for (const [what, alert] of Object.entries(REQUIRED)) assert.ok(names.includes(alert), `${what}: ${alert} missing`);
    assert.equal(new Set(names).size, names.length, 'alert names are unique');
    for (const rule of alerts) {
      assert.match(rule.labels?.severity ?? '', /^(critical|warning)$/, `${rule.alert}: severity`);
      assert.match(rule.for ?? '', /^[1-9]\d*[smh]$/, `${rule.alert}: for`);
      assert.ok(rule.annotations?.summary && rule.annotations.description, `${rule.alert}: summary and description`);
    }
  });

  describe('against a live /metrics', () => {
    let live: Set<string>;
    before(async () => { live = await liveMetricNames(); });

    it('read only metrics umbral exports', () => {
      const read = alerts.flatMap((rule) => promqlMetricNames(rule.expr).map((name) => ({ alert: rule.alert, name })));
      // Every alert but the scrape's own (`up`) reads umbral's metrics: an extraction that finds nothing would prove nothing.
      assert.deepEqual(alerts.filter((rule) => !read.some((r) => r.alert === rule.alert)).map((rule) => rule.alert), ['UmbralInstanceDown']);
      assert.deepEqual(read.filter(({ name }) => !live.has(name)), [], 'metrics the rules read that umbral does not export');
    });
  });
});

describe('metric names in PromQL', () => {
  it('are the identifiers with umbral\'s prefixes, never label values or Grafana variables', () => {
    const expression = 'sum by (model, le) (rate(umbral_x_bucket{model=~"$model", job="umbral_not_a_metric"}[$__rate_interval]))'
      + ' / on() group_left umbral_y or label_values(umbral_z, model) + ${umbral_var} + process_rss';
    assert.deepEqual(promqlMetricNames(expression).sort(), ['process_rss', 'umbral_x_bucket', 'umbral_y', 'umbral_z']);
  });

  it('are matched against families, their histogram series and their samples', () => {
    const names = exposedMetricNames('# HELP umbral_h h\n# TYPE umbral_h histogram\n# TYPE umbral_g gauge\numbral_s{a="b"} 1\n');
    assert.deepEqual([...names].sort(), ['umbral_g', 'umbral_h', 'umbral_h_bucket', 'umbral_h_count', 'umbral_h_sum', 'umbral_s']);
  });
});
