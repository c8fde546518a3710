import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FeatureReservoirs, Reservoir } from './reservoir.js';

describe('Reservoir', () => {
  it('keeps every value, in order, while under its capacity', () => {
    const reservoir = new Reservoir(5, 1);
    for (const value of [3, 1, 2]) reservoir.add(value);
    assert.deepEqual(reservoir.values(), [3, 1, 2]);
  });

  it('keeps exactly its capacity, the same values for the same seed', () => {
    const fill = (seed: number) => {
      const reservoir = new Reservoir(100, seed);
      for (let i = 0; i < 10_000; i++) reservoir.add(i);
      return reservoir;
    };
    assert.equal(fill(7).values().length, 100);
    assert.equal(fill(7).seen, 10_000);
    assert.deepEqual(fill(7).values(), fill(7).values());
    assert.notDeepEqual(fill(7).values(), fill(8).values());
  });

  it('samples uniformly: late values are kept as often as early ones', () => {
    const reservoir = new Reservoir(2000, 42);
    for (let i = 0; i < 100_000; i++) reservoir.add(i);
    const values = reservoir.values();
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    // The mean of 2,000 uniform draws from 0..99,999 is 50,000 ± 645 (one standard error).
    assert.ok(Math.abs(mean - 50_000) < 3_000, `mean ${mean}`);
    assert.ok(values.filter((v) => v >= 90_000).length > 100, 'the last tenth is represented');
  });
});

describe('FeatureReservoirs', () => {
  it('keeps one capped sample per feature, skipping values that are not finite', () => {
    const reservoirs = new FeatureReservoirs(3, 1);
    reservoirs.add({ b: [1, 2], a: [Number.NaN, 5] });
    reservoirs.add({ b: [3, 4, 5] });
    const samples = reservoirs.samples();
    assert.deepEqual(Object.keys(samples), ['a', 'b']);
    assert.deepEqual(samples.a, [5]);
    assert.equal(samples.b?.length, 3);
  });
});
