import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { HealthCheck, type Checked } from './health-check.js';

function servers(...urls: string[]): Checked<string>[] {
  return urls.map((url) => ({ url, client: url, healthy: true }));
}

describe('HealthCheck', () => {
  it('keeps each verdict on its server and reports only changes', async () => {
    const list = servers('a', 'b');
    let upA = false;
    const changes: Array<[string, boolean]> = [];
    const health = new HealthCheck({
      intervalMs: 0, servers: () => list, healthCheck: async (url) => url !== 'a' || upA, events: { health: (url, healthy) => changes.push([url, healthy]) },
    });
    await health.run();
    assert.deepEqual(list.map((s) => s.healthy), [false, true]);
    await health.run();
    upA = true;
    await health.run();
    assert.deepEqual(changes, [['a', false], ['a', true]]);
  });

  it('takes a check that throws as a failed one, and gives each check a live signal', async () => {
    const list = servers('a');
    const health = new HealthCheck({
      intervalMs: 0, servers: () => list, events: { health: () => undefined },
      healthCheck: async (_url, signal) => {
        assert.equal(signal.aborted, false);
        throw new Error('connection refused');
      },
    });
    await health.run();
    assert.equal(list[0]?.healthy, false);
  });

  it('checks from the start and on its interval, until stopped', async () => {
    const list = servers('a');
    let up = false;
    let checks = 0;
    const health = new HealthCheck({ intervalMs: 20, servers: () => list, events: { health: () => undefined }, healthCheck: async () => { checks++; return up; } });
    await sleep(5);
    assert.equal(list[0]?.healthy, false, 'the first check runs at creation');
    up = true;
    await sleep(50);
    assert.equal(list[0]?.healthy, true);
    health.stop();
    const after = checks;
    await sleep(50);
    assert.equal(checks, after);
  });

  it('checks nothing on its own with an interval of 0', async () => {
    let checks = 0;
    const idle = new HealthCheck({ intervalMs: 0, servers: () => servers('a'), events: { health: () => undefined }, healthCheck: async () => { checks++; return true; } });
    await sleep(20);
    assert.equal(checks, 0);
    idle.stop();
  });
});
