import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_KEY } from './helpers/access-kit.js';
import { fuzzRoutes } from './helpers/route-fuzz/fuzz-routes.js';
import { startFuzzTarget, type FuzzTarget } from './helpers/route-fuzz/fuzz-target.js';

/** Fixed, so that every run sends the same requests; `npm run fuzz -- --runs N --seed S` explores further. */
const SEED = 20261207;
const RUNS_PER_ROUTE = 40;

describe('every route against generated bad requests (property-based, fast-check)', () => {
  let target: FuzzTarget;
  before(async () => {
    target = await startFuzzTarget();
  });
  after(() => target?.close());

  it('answers each below 500, each 4xx with a catalogue code and a message, and stays live', async () => {
    const { server, routes } = target;
    assert.ok(routes.length > 40, `the route table has only ${routes.length} routes`);
    const report = await fuzzRoutes(server.url, routes, { seed: SEED, runsPerRoute: RUNS_PER_ROUTE, adminKey: ADMIN_KEY });
    assert.deepEqual(report.failures, []);
    assert.ok(report.requests >= routes.length * RUNS_PER_ROUTE);
    // The generators must get past access control and validation, or the test proves less than it says.
    for (const status of [200, 201, 400, 401, 404]) assert.ok((report.statuses.get(status) ?? 0) > 0, `no ${status}: ${JSON.stringify([...report.statuses])}`);
    assert.equal((await fetch(`${server.url}/health/live`)).status, 200);
  });
});
