import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ShadowReport } from '../src/mlops/shadow/shadow-stats.js';
import { grpcClient, rpc } from './helpers/grpc-client.js';
import { uploadVersion } from './helpers/scale-model.js';
import { getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';
import { TWO_CLASS_MANIFEST, twoClassModel } from './helpers/two-class-model.js';
import { until } from './helpers/until.js';

const MODEL = 'tickets';

async function send(url: string, method: string, body: unknown, type = 'application/json') {
  const response = await fetch(url, { method, body: JSON.stringify(body), headers: { 'content-type': type } });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

/** A model of four versions: 1 the champion, 2 answers as 1 does, 3 disagrees, 4 takes an input named z (every copy fails). */
async function pushTickets(server: TestServer, policy: Record<string, unknown> = {}): Promise<void> {
  assert.equal((await send(`${server.url}/admin/models`, 'POST', { name: MODEL })).status, 201);
  const versions: Array<[Uint8Array, string?]> = [
    [twoClassModel([1, -1]), 'champion'], [twoClassModel([1, -1], { tag: 'retrained, same answers' })],
    [twoClassModel([-1, 1]), 'challenger'], [twoClassModel([1, -1], { input: 'z' })],
  ];
  for (const [bytes, alias] of versions) {
    const pushed = await uploadVersion(server.url, MODEL, bytes, { manifest: TWO_CLASS_MANIFEST, ...(alias ? { alias } : {}) });
    assert.equal(pushed.status, 201, JSON.stringify(pushed.body));
  }
  if (Object.keys(policy).length > 0) assert.equal((await setPolicy(server, policy)).status, 200);
}

const setPolicy = (server: TestServer, policy: unknown) => send(`${server.url}/admin/models/${MODEL}/policy`, 'PUT', policy);
const infer = (server: TestServer, x: number) => postJson(`${server.url}/v2/models/${MODEL}/infer`, { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: [x] }] });
const report = async (server: TestServer) => (await getJson(`${server.url}/admin/models/${MODEL}/shadow`)).body as unknown as ShadowReport;
const versionReport = async (server: TestServer, version: string) => (await report(server)).versions.find((v) => v.version === version);
const ended = (r: Awaited<ReturnType<typeof versionReport>>) => (r ? r.requests.agreed + r.requests.disagreed + r.requests.failed + r.requests.dropped : 0);
/** Waits for `count` copies to `version` to have ended, however they ended. */
const settled = (server: TestServer, version: string, count: number) => until(async () => ended(await versionReport(server, version)) >= count, 20);

describe('shadow traffic (policy traffic.shadow)', () => {
  let server: TestServer;
  const inputs = [1, 0, 1, 1, -2, 0.5];
  let unshadowed: Array<Record<string, unknown>>;
  before(async () => {
    server = await startTestServer({ models: {} });
    await pushTickets(server);
    unshadowed = await Promise.all(inputs.map(async (x) => (await infer(server, x)).body));
  });
  after(() => server?.shutdown('test done'));

  it('refuses a target that is not a version or alias of the model with 400 naming it, and changes nothing', async () => {
    const before = await getJson(`${server.url}/admin/models/${MODEL}/policy`);
    const cases: Array<[unknown, RegExp]> = [
      [{ target: 9, sample_rate: 1 }, /traffic\.shadow\.target: version 9 is not a version of model 'tickets' \(its versions: 1, 2, 3, 4\)/],
      [{ target: 'alias:nobody', sample_rate: 1 }, /alias 'nobody' is not an alias of model 'tickets' \(its aliases: challenger, champion\)/],
      [{ target: 'challenger', sample_rate: 1 }, /traffic\.shadow\.target: use a version number, or alias:NAME/],
      [{ target: 2, sample_rate: 1.5 }, /traffic\.shadow\.sample_rate/],
      [{ target: 2 }, /traffic\.shadow\.sample_rate/],
      [{ target: 2, sample_rate: 1, mirror: true }, /traffic\.shadow/],
    ];
    for (const [shadow, message] of cases) {
      const refused = await setPolicy(server, { traffic: { shadow } });
      assert.equal(refused.status, 400, JSON.stringify(shadow));
      assert.equal(refused.body.code, 'UMBRAL_ERR_POLICY_INVALID');
      assert.match(String(refused.body.error), message);
    }
    assert.deepEqual((await getJson(`${server.url}/admin/models/${MODEL}/policy`)).body, before.body);
    assert.equal((await report(server)).shadow, null);
  });

  it('mirrors every request to an identical version: clients get the same answers as without, agreement 1.0, no difference', async () => {
    const set = await setPolicy(server, { traffic: { shadow: { target: 2, sample_rate: 1 } }, prediction_log: { sample_rate: 1 } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const shadowed = await Promise.all(inputs.map(async (x) => (await infer(server, x)).body));
    assert.deepEqual(shadowed, unshadowed, 'the client\'s answer is the champion\'s, as without a shadow');
    // gRPC goes through the same data plane: its requests are mirrored too.
    const client = grpcClient(server.grpcUrl as string);
    try {
      const answer = await rpc(client, 'ModelInfer', { model_name: MODEL, inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], contents: { fp32_contents: [3] } }] });
      assert.equal(answer.code, 0, answer.error?.details);
    } finally {
      client.close();
    }
    await settled(server, '2', inputs.length + 1);
    const shown = await report(server);
    assert.equal(shown.scope, 'process');
    assert.deepEqual(shown.shadow, { target: '2', version: '2', sampleRate: 1 });
    const [only] = shown.versions;
    assert.deepEqual(only?.requests, { agreed: inputs.length + 1, disagreed: 0, failed: 0, dropped: 0 });
    assert.equal(only?.agreementRate, 1);
    assert.equal(only?.meanOutputDifference, 0);
    assert.ok(only?.latencyMs.primary && only.latencyMs.shadow, 'latency quantiles of both sides');
    const metrics = (await getJson(`${server.url}/metrics`)).text;
    assert.match(metrics, /umbral_shadow_requests_total\{model="tickets",target="2",outcome="agreed"\} 7/);
    assert.match(metrics, /umbral_shadow_latency_seconds_count\{model="tickets",target="2",role="shadow"\} 7/);
    // The prediction log holds the clients' answers only: one record per request, all the champion's.
    await server.predictionLog.flush();
    const exported = await (await fetch(`${server.url}/admin/models/${MODEL}/predictions?format=jsonl`)).text();
    const versions = exported.trim().split('\n').map((line) => String((JSON.parse(line) as { version: unknown }).version));
    assert.deepEqual(versions, Array(inputs.length + 1).fill('1'));
  });

  it('follows an alias to a version that disagrees: agreement below 1 and the mean output difference', async () => {
    assert.equal((await setPolicy(server, { traffic: { shadow: { target: 'alias:challenger', sample_rate: 1 } } })).status, 200);
    // Version 3 predicts spam where 1 predicts ham, but both answer [0, 0] for x = 0: 1 agreement in 4, differences 2, 0, 2, 2.
    for (const x of [1, 0, 1, 1]) assert.equal((await infer(server, x)).status, 200);
    await settled(server, '3', 4);
    const shown = await report(server);
    assert.deepEqual(shown.shadow, { target: 'alias:challenger', version: '3', sampleRate: 1 });
    const three = shown.versions.find((v) => v.version === '3');
    assert.deepEqual(three?.requests, { agreed: 1, disagreed: 3, failed: 0, dropped: 0 });
    assert.equal(three?.agreementRate, 0.25);
    assert.equal(three?.meanOutputDifference, 1.5);
    assert.equal(shown.versions.find((v) => v.version === '2')?.agreementRate, 1, 'the earlier target keeps its own counts');
  });

  it('never fails a client when the target cannot answer: every copy is counted as failed, with its code', async () => {
    assert.equal((await setPolicy(server, { traffic: { shadow: { target: 4, sample_rate: 1 } } })).status, 200);
    const answers = await Promise.all([1, 2, 3, 4, 5].map((x) => infer(server, x)));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200, 200]);
    await settled(server, '4', 5);
    const four = await versionReport(server, '4');
    assert.deepEqual(four?.requests, { agreed: 0, disagreed: 0, failed: 5, dropped: 0 });
    assert.equal(four?.agreementRate, null);
    assert.match(four?.lastFailure?.code ?? '', /^UMBRAL_ERR_(MISSING|UNKNOWN)_INPUT$/);
    assert.match((await getJson(`${server.url}/metrics`)).text, /umbral_shadow_requests_total\{model="tickets",target="4",outcome="failed"\} 5/);
  });

  it('answers 404 for a model the registry does not hold', async () => {
    const missing = await getJson(`${server.url}/admin/models/nothing-here/shadow`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 'UMBRAL_ERR_MODEL_NOT_FOUND');
  });
});

describe('a full shadow queue', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ models: {}, overrides: { 'shadow.queueSize': 1, 'shadow.concurrency': 1 } });
    // Batched answers come back together: a burst the one-place queue cannot hold.
    await pushTickets(server, { dynamic_batching: { max_queue_delay_microseconds: 20_000 }, traffic: { shadow: { target: 2, sample_rate: 1 } } });
  });
  after(() => server?.shutdown('test done'));

  it('drops and counts the copies it cannot hold, while every client gets its answer', async () => {
    const count = 48;
    const answers = await Promise.all(Array.from({ length: count }, (_, i) => infer(server, i + 1)));
    assert.deepEqual(answers.filter((a) => a.status !== 200), []);
    await settled(server, '2', count);
    const two = await versionReport(server, '2');
    assert.ok((two?.requests.dropped ?? 0) > 0, JSON.stringify(two));
    assert.equal(ended(two), count, 'every mirrored request is accounted for, run or dropped');
    assert.equal(two?.requests.failed, 0);
    assert.match((await getJson(`${server.url}/metrics`)).text, /umbral_shadow_requests_total\{model="tickets",target="2",outcome="dropped"\} [1-9]/);
  });
});
