import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { startKserveUpstream, type KserveUpstream } from './support/fault-upstream/index.js';
import { grpcClient, rpc, trailer } from './helpers/grpc-client.js';
import { addSubAnswer, addSubRequest, kserveModel } from './helpers/remote-kit.js';
import { ECHO_MODEL_DIR, getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

const FAST_HEALTH = { health_check_interval_ms: 100 };

describe('remote models on KServe v2 servers (kserve backend)', () => {
  let a: KserveUpstream;
  let b: KserveUpstream;
  let server: TestServer;
  before(async () => {
    [a, b] = await Promise.all([startKserveUpstream(), startKserveUpstream()]);
    server = await startTestServer({
      models: { echo: ECHO_MODEL_DIR },
      extraModels: {
        'add-sub-http': kserveModel([a.httpUrl, b.httpUrl], { resilience: FAST_HEALTH, required: true }),
        'add-sub-grpc': kserveModel([a.grpcTarget], { protocol: 'grpc', resilience: FAST_HEALTH }),
      },
    });
  });
  after(async () => {
    await server.shutdown('test over');
    await Promise.all([a.close(), b.close()]);
  });

  const outputs = (body: Record<string, unknown>) =>
    Object.fromEntries((body.outputs as Array<{ name: string; data: number[] }>).map((o) => [o.name, o.data]));

  it('serves a model from remote servers over HTTP and over gRPC, with the answers the servers computed', async () => {
    for (const model of ['add-sub-http', 'add-sub-grpc']) {
      const answer = await postJson(`${server.url}/v2/models/${model}/infer`, addSubRequest(3));
      assert.equal(answer.status, 200, `${model}: ${JSON.stringify(answer.body)}`);
      assert.deepEqual(outputs(answer.body), addSubAnswer(3));
      assert.equal(answer.body.model_name, model);
      assert.match(answer.headers.get('x-umbral-overhead-ms') ?? '', /^\d+\.\d\d$/);
    }
    const metadata = await getJson(`${server.url}/v2/models/add-sub-grpc`);
    assert.deepEqual((metadata.body.inputs as Array<{ name: string }>).map((i) => i.name), ['INPUT0', 'INPUT1']);
  });

  it('spreads requests over its servers', async () => {
    a.resetCounts();
    b.resetCounts();
    await Promise.all(Array.from({ length: 20 }, (_, i) => postJson(`${server.url}/v2/models/add-sub-http/infer`, addSubRequest(i))));
    assert.ok(a.counts.byRoute.infer >= 5 && b.counts.byRoute.infer >= 5, `${a.counts.byRoute.infer} / ${b.counts.byRoute.infer}`);
  });

  it('answers gRPC clients for a remote model, with the overhead trailer', async () => {
    const client = grpcClient(server.grpcUrl as string);
    const request = addSubRequest(2);
    const answer = await rpc<{ outputs: Array<{ name: string; contents: { int_contents: number[] } }> }>(client, 'ModelInfer', {
      model_name: 'add-sub-grpc', inputs: request.inputs.map((i) => ({ name: i.name, datatype: i.datatype, shape: i.shape, contents: { int_contents: i.data } })),
    });
    client.close();
    assert.equal(answer.code, 0, answer.error?.details);
    assert.deepEqual(answer.response?.outputs.map((o) => o.contents.int_contents), [addSubAnswer(2).OUTPUT0, addSubAnswer(2).OUTPUT1]);
    assert.ok(Number(trailer(answer, 'x-umbral-overhead-ms')) >= 0);
  });

  it('passes the servers\' refusal of a bad request on as a 400 with their message', async () => {
    const bad = addSubRequest();
    (bad.inputs[1] as { shape: number[]; data: number[] }).data = [1, 2];
    (bad.inputs[1] as { shape: number[] }).shape = [1, 2];
    const answer = await postJson(`${server.url}/v2/models/add-sub-http/infer`, bad);
    assert.equal(answer.status, 400);
    assert.ok(['UMBRAL_ERR_SHAPE_MISMATCH', 'UMBRAL_ERR_UPSTREAM_REJECTED'].includes(String(answer.body.code)), JSON.stringify(answer.body));
  });

  it('shows each server\'s breaker and health at /admin/breakers and in /metrics', async () => {
    const breakers = await getJson(`${server.url}/admin/breakers`);
    const upstreams = breakers.body.upstreams as Array<{ model: string; servers: Array<{ url: string; breaker: string; healthy: boolean }> }>;
    const http = upstreams.find((u) => u.model === 'add-sub-http');
    assert.deepEqual(http?.servers.map((s) => [s.url, s.breaker, s.healthy]), [[a.httpUrl, 'closed', true], [b.httpUrl, 'closed', true]]);
    const metrics = (await getJson(`${server.url}/metrics`)).text;
    assert.match(metrics, /umbral_upstream_breaker_state\{upstream="add-sub-http",server="http:\/\/127\.0\.0\.1:\d+"\} 0/);
    assert.match(metrics, /umbral_upstream_attempts_total\{upstream="add-sub-http",server="[^"]+",outcome="ok"\} [1-9]/);
  });

  it('takes its readiness from its servers: not ready while none is, ready again when one is', async () => {
    a.setReady(false);
    b.setReady(false);
    await sleep(400);
    const down = await getJson(`${server.url}/health/ready`);
    assert.equal(down.status, 503);
    assert.match(JSON.stringify(down.body), /add-sub-http/);
    b.setReady(true);
    await sleep(400);
    assert.equal((await getJson(`${server.url}/health/ready`)).status, 200);
    a.setReady(true);
  });

  it('changes the server list at run time through the admin API, and refuses a bad one with 400', async () => {
    const url = `${server.url}/admin/models/add-sub-http/servers`;
    const put = (body: unknown) => fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const changed = await put({ servers: [b.httpUrl] });
    assert.equal(changed.status, 200);
    a.resetCounts();
    for (let i = 0; i < 5; i++) assert.equal((await postJson(`${server.url}/v2/models/add-sub-http/infer`, addSubRequest())).status, 200);
    assert.equal(a.counts.byRoute.infer, 0);
    for (const bad of [{ servers: [] }, { servers: ['not a url'] }, { servers: [a.grpcTarget] }, {}]) {
      const refused = await put(bad);
      assert.equal(refused.status, 400, JSON.stringify(bad));
    }
    assert.equal((await put({ servers: [a.httpUrl, b.httpUrl] })).status, 200);
    const onnx = await put({ servers: [a.httpUrl] }).then(() => fetch(`${server.url}/admin/models/echo/servers`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ servers: [a.httpUrl] }) }));
    assert.equal(onnx.status, 409);
  });

  it('lists, loads and unloads models on the servers through Triton\'s repository extension', async () => {
    const admin = `${server.url}/admin/models/add-sub-http/repository`;
    const index = await getJson(admin);
    assert.equal(index.status, 200);
    const models = index.body.models as Array<{ server: string; name: string; state: string }>;
    assert.ok(models.some((m) => m.server === a.httpUrl && m.name === 'echo' && m.state === 'READY'));
    assert.equal((await postJson(`${admin}/echo/unload`, {})).status, 200);
    assert.equal(a.repository.isReady('echo'), false);
    assert.equal((await postJson(`${admin}/echo/load`, {})).status, 200);
    assert.equal(a.repository.isReady('echo') && b.repository.isReady('echo'), true);
    assert.equal((await postJson(`${admin}/no-such-model/load`, {})).status >= 400, true);
    assert.equal((await getJson(`${server.url}/admin/models/echo/repository`)).status, 409);
  });
});

describe('umbral in front of another umbral (kserve backend, both protocols)', () => {
  let inner: TestServer;
  let outer: TestServer;
  before(async () => {
    inner = await startTestServer({ models: { echo: ECHO_MODEL_DIR } });
    outer = await startTestServer({
      models: {},
      extraModels: {
        'echo-http': kserveModel([inner.url], { model: 'echo' }),
        'echo-grpc': kserveModel([inner.grpcUrl as string], { model: 'echo', protocol: 'grpc' }),
      },
    });
  });
  after(async () => {
    await outer.shutdown('test over');
    await inner.shutdown('test over');
  });

  it('answers exactly as the inner umbral does, over REST and over gRPC', async () => {
    const request = { inputs: [
      { name: 'fp32', datatype: 'FP32', shape: [1, 3], data: [0.5, -1.25, 3] }, { name: 'fp64', datatype: 'FP64', shape: [1, 3], data: [0.1, 0.2, 0.3] },
      { name: 'int32', datatype: 'INT32', shape: [1, 3], data: [1, -2, 3] }, { name: 'int64', datatype: 'INT64', shape: [1, 3], data: [4, 5, -6] },
      { name: 'uint8', datatype: 'UINT8', shape: [1, 3], data: [7, 8, 255] }, { name: 'bool', datatype: 'BOOL', shape: [1, 3], data: [true, false, true] },
      { name: 'bytes', datatype: 'BYTES', shape: [1], data: ['hello'] },
    ] };
    const direct = await postJson(`${inner.url}/v2/models/echo/infer`, request);
    assert.equal(direct.status, 200);
    for (const model of ['echo-http', 'echo-grpc']) {
      const proxied = await postJson(`${outer.url}/v2/models/${model}/infer`, request);
      assert.equal(proxied.status, 200, `${model}: ${JSON.stringify(proxied.body)}`);
      assert.deepEqual(proxied.body.outputs, direct.body.outputs, model);
    }
  });
});

describe('a remote model whose servers are down at start', () => {
  let upstream: KserveUpstream;
  let server: TestServer;
  before(async () => {
    upstream = await startKserveUpstream({ fault: { kind: 'status503', rate: 1 }, faultAllRoutes: true });
    server = await startTestServer({
      models: {},
      overrides: { 'registry.resyncIntervalMs': 200 },
      extraModels: { late: kserveModel([upstream.httpUrl], { required: true, resilience: { retry: { max_attempts: 1 }, health_check_interval_ms: 100 } }) },
    });
  });
  after(async () => {
    await server.shutdown('test over');
    await upstream.close();
  });

  it('is not ready, says why, and serves once its servers answer (loaded again at the next resync)', async () => {
    const ready = await getJson(`${server.url}/v2/models/late/ready`);
    assert.equal(ready.status, 503);
    assert.match(String(ready.body.error), /metadata could not be read/);
    assert.equal((await getJson(`${server.url}/health/ready`)).status, 503);
    upstream.faults.set(undefined);
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await sleep(100);
      status = (await postJson(`${server.url}/v2/models/late/infer`, addSubRequest())).status;
    }
    assert.equal(status, 200);
    assert.equal((await getJson(`${server.url}/health/ready`)).status, 200);
  });
});
