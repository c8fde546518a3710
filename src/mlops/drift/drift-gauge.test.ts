import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Registry } from 'prom-client';
import { DriftGauge } from './drift-gauge.js';
import type { StoredScore } from './drift-store.js';

const score = (value: number): StoredScore => ({
  model: 'm', version: '1', feature: 'x[0]', method: 'psi', score: value, threshold: 0.2, samples: 100,
  alerting: value > 0.2, alertedAt: null, clearedAt: null, checkedAt: new Date(),
});

it('shows the stored scores, read at a scrape when its copy is stale, and a check\'s own at once', async () => {
  const registry = new Registry();
  let loads = 0;
  const gauge = new DriftGauge(registry, async () => { loads++; return [score(0.5)]; }, () => undefined);
  assert.match(await registry.metrics(), /umbral_drift_score\{model="m",version="1",feature="x\[0\]",method="psi"\} 0\.5/);
  await registry.metrics();
  assert.equal(loads, 1, 'a fresh copy is not read again');
  gauge.update([score(0.7)]);
  assert.match(await registry.metrics(), /\} 0\.7/);
});

it('keeps the last values through a database outage, logged once', async () => {
  const registry = new Registry();
  let down = false;
  const errors: unknown[] = [];
  new DriftGauge(registry, async () => {
    if (down) throw new Error('database down');
    return [score(0.5)];
  }, (error) => errors.push(error), -1);
  await registry.metrics();
  down = true;
  for (let i = 0; i < 3; i++) assert.match(await registry.metrics(), /\} 0\.5/);
  assert.equal(errors.length, 1);
});
