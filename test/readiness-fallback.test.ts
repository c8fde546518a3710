import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { status } from '@grpc/grpc-js';
import { startKserveUpstream, type KserveUpstream } from './support/fault-upstream/index.js';
import { grpcClient, rpc } from './helpers/grpc-client.js';
import { addSubRequest, kserveModel } from './helpers/remote-kit.js';
import { getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';
import { until } from './helpers/until.js';

/** Resolves once `condition` holds, checking every 20 ms (the state it waits for changes on a timer of its own). */
// Checks time out after the interval: long enough not to flap on a loaded machine, short enough for the test.
const WATCHED = { health_check_interval_ms: 500, retry: { max_attempts: 1 }, breaker: { consecutive_failures: 2, half_open_after_ms: 60_000 } };

describe('readiness: a model answered by its fallback keeps the replica ready', { timeout: 60_000 }, () => {
  let primary: KserveUpstream;
  let backup: KserveUpstream;
  let server: TestServer;
  before(async () => {
    [primary, backup] = await Promise.all([startKserveUpstream(), startKserveUpstream()]);
    server = await startTestServer({
      models: {},
      extraModels: {
        main: kserveModel([primary.httpUrl], { required: true, fallback: ['spare'], resilience: WATCHED }),
        spare: kserveModel([backup.httpUrl], { resilience: WATCHED }),
      },
    });
  });
  after(async () => {
    await server?.shutdown('test over');
    await Promise.all([primary, backup].map((u) => u?.close()));
  });

  const lines = (message: string) => server.logLines().filter((line) => String(line.msg).startsWith(message));
  const ready = () => getJson(`${server.url}/health/ready`);

  /** Resolves once `upstream` has answered `n` more health checks. */
  const checks = async (upstream: KserveUpstream, n: number) => {
    const target = upstream.counts.byRoute.health + n;
    await until(() => upstream.counts.byRoute.health >= target, 20);
  };

  it('stays ready while the fallback answers, shows the model\'s own state, and logs the upstream going down once', async () => {
    // Health checks started with the server, while it was busy starting: let them settle first.
    await until(async () => (await ready()).status === 200, 20);
    const before = lines('upstream server failed its health check').filter((l) => l.upstream === 'main').length;
    primary.setReady(false);
    await until(async () => ((await ready()).body.models as Record<string, string>).main === 'unavailable', 20);
    const report = await ready();
    assert.equal(report.status, 200, JSON.stringify(report.body));
    assert.deepEqual(report.body.fallbacks, { main: 'spare' });
    assert.equal((await getJson(`${server.url}/v2/health/ready`)).status, 200);
    const client = grpcClient(server.grpcUrl as string);
    try {
      const answer = await rpc(client, 'ServerReady', {});
      assert.equal(answer.code, status.OK);
      assert.equal((answer.response as { ready: boolean }).ready, true);
    } finally {
      client.close();
    }
    // Health checks go on; the log says it once, not once per check.
    await checks(primary, 3);
    assert.equal(lines('upstream server failed its health check').filter((l) => l.upstream === 'main').length, before + 1);
  });

  it('is not ready once the fallback cannot answer either, and says which model', async () => {
    const recovered = lines('upstream server is healthy again').length;
    backup.setReady(false);
    await until(async () => (await ready()).status === 503, 20);
    const report = await ready();
    assert.deepEqual(report.body.problems, ["model 'main' is not ready"]);
    assert.deepEqual(report.body.fallbacks, {});
    backup.setReady(true);
    primary.setReady(true);
    // Each server's recovery is logged, once it is seen (a line each, whichever check sees it first).
    await until(() => lines('upstream server is healthy again').length >= recovered + 2, 20);
    assert.equal((await ready()).status, 200);
  });

  it('logs a breaker opening once, however many calls it then refuses', async () => {
    primary.faults.set({ kind: 'status503', rate: 1 });
    for (let i = 0; i < 6; i++) await postJson(`${server.url}/v2/models/main/infer`, addSubRequest());
    primary.faults.set(undefined);
    const opened = lines('circuit breaker opened');
    assert.equal(opened.length, 1, JSON.stringify(opened));
    assert.equal(opened[0]?.upstream, 'main');
    assert.equal(opened[0]?.level, 40);
  });
});
