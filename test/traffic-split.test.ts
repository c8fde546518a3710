import assert from 'node:assert/strict';
import type { Client } from '@grpc/grpc-js';
import { after, before, describe, it } from 'node:test';
import { ADMIN_KEY, call, createKey, startSecuredServer, type Answer } from './helpers/access-kit.js';
import { grpcClient, rpc, trailer } from './helpers/grpc-client.js';
import { scaleModel, uploadVersion } from './helpers/scale-model.js';
import { runCli } from './helpers/spawn-cli.js';
import type { TestServer } from './helpers/test-server.js';

/*
 * Traffic splits over HTTP and gRPC on a real server: two versions of a y = k·x model (k = 1 and 2,
 * so the answer itself says which version served), a policy that splits them, and what each answer,
 * the prediction log, the metrics and the A/B report say of the variant.
 */
const MODEL = 'scale';
const POLICY = `/admin/models/${MODEL}/policy`;
const SPLIT_90_10 = [{ variant: 'champion', target: 'champion', weight: 90 }, { variant: 'challenger', target: 2, weight: 10 }];
const REGRESSION = { task: { type: 'regression', output: 'y' } };

describe('traffic splits', () => {
  let server: TestServer;
  let client: Client;
  let plain: string;
  let operator: string;

  before(async () => {
    server = await startSecuredServer({ models: {} });
    client = grpcClient(server.grpcUrl as string);
    assert.equal((await call(server, 'POST', '/admin/models', { credential: ADMIN_KEY, body: { name: MODEL } })).status, 201);
    assert.equal((await uploadVersion(server.url, MODEL, scaleModel(1), { alias: 'champion', manifest: REGRESSION, credential: ADMIN_KEY })).status, 201);
    assert.equal((await uploadVersion(server.url, MODEL, scaleModel(2), { manifest: REGRESSION, credential: ADMIN_KEY })).status, 201);
    plain = (await createKey(server, { scopes: ['infer'] })).key;
    operator = (await createKey(server, { scopes: ['infer', 'admin:write'] })).key;
  });
  after(async () => {
    client?.close();
    await server?.shutdown('test done');
  });

  const setPolicy = (body: unknown) => call(server, 'PUT', POLICY, { credential: ADMIN_KEY, body });
  const infer = (x: number, options: { credential?: string; headers?: Record<string, string>; path?: string } = {}) =>
    call(server, 'POST', options.path ?? `/v2/models/${MODEL}/infer`, {
      credential: options.credential ?? plain, headers: options.headers ?? {},
      body: { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: [x] }] },
    });
  /** The variant the answer names, checked against the version whose k the output shows. */
  const variantOf = (answer: Answer, x: number): string => {
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const variant = answer.headers.get('x-umbral-variant') ?? 'none';
    const y = (answer.body.outputs as Array<{ data: number[] }>)[0]?.data[0];
    assert.equal(y, variant === 'challenger' ? 2 * x : x, `variant ${variant} answered y = ${y}`);
    assert.equal(answer.body.model_version, variant === 'challenger' ? '2' : '1');
    return variant;
  };

  it('refuses a split that does not add up or names what the model lacks, with 400 naming it, and changes nothing', async () => {
    const before = await call(server, 'GET', POLICY, { credential: ADMIN_KEY });
    const cases: Array<[unknown, RegExp]> = [
      [{ split: [{ variant: 'a', target: 1, weight: 90 }, { variant: 'b', target: 2, weight: 5 }] }, /traffic\.split: the weights add up to 95/],
      [{ split: [{ variant: 'a', target: 'production', weight: 100 }] }, /traffic\.split\[0\]\.target: variant 'a' names alias 'production'.*its aliases: champion/],
      [{ split: [{ variant: 'a', target: 1, weight: 50 }, { variant: 'b', target: 9, weight: 50 }] }, /traffic\.split\[1\]\.target: variant 'b' names version 9.*its versions: 1, 2/],
      [{ split: [{ variant: 'a', target: 1, weight: 100 }], sticky: { cookie: 'x' } }, /traffic\.sticky/],
    ];
    for (const [traffic, message] of cases) {
      const refused = await setPolicy({ traffic });
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.equal(refused.body.code, 'UMBRAL_ERR_POLICY_INVALID');
      assert.match(String(refused.body.error), message);
    }
    assert.deepEqual((await call(server, 'GET', POLICY, { credential: ADMIN_KEY })).body, before.body, 'the registry is unchanged');
    const plainAnswer = await infer(1);
    assert.equal(plainAnswer.headers.get('x-umbral-variant'), null, 'a model without a split names no variant');
  });

  it('shares requests 90/10 within five standard deviations of the binomial, and says which variant answered', async () => {
    assert.equal((await setPolicy({ traffic: { split: SPLIT_90_10 }, prediction_log: { sample_rate: 1 } })).status, 200);
    const n = 400;
    const variants: string[] = [];
    for (let start = 0; start < n; start += 20) {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => infer(start + i)));
      answers.forEach((answer, i) => variants.push(variantOf(answer, start + i)));
    }
    const challenger = variants.filter((v) => v === 'challenger').length;
    assert.equal(variants.filter((v) => v === 'champion').length + challenger, n);
    const sigma = Math.sqrt(n * 0.1 * 0.9);
    assert.ok(Math.abs(challenger - n * 0.1) <= 5 * sigma, `challenger served ${challenger} of ${n}`);
    // A request that names its version is not split.
    assert.equal((await infer(3, { path: `/v2/models/${MODEL}/versions/2/infer` })).headers.get('x-umbral-variant'), null);
  });

  it('keeps each sticky key on one variant, request after request', async () => {
    assert.equal((await setPolicy({
      traffic: { split: [{ variant: 'champion', target: 'champion', weight: 50 }, { variant: 'challenger', target: 2, weight: 50 }], sticky: { header: 'x-user-id' } },
      prediction_log: { sample_rate: 1 },
    })).status, 200);
    const seen = new Set<string>();
    for (let user = 0; user < 20; user++) {
      const first = variantOf(await infer(user, { headers: { 'x-user-id': `user-${user}` } }), user);
      for (let again = 0; again < 3; again++) assert.equal(variantOf(await infer(user, { headers: { 'x-user-id': `user-${user}` } }), user), first, `user-${user}`);
      seen.add(first);
    }
    assert.deepEqual([...seen].sort(), ['challenger', 'champion'], 'twenty users land on both halves');
  });

  it('lets an operator choose the variant with x-umbral-variant, and refuses a plain key (403) and an unknown variant (400)', async () => {
    for (let i = 0; i < 5; i++) {
      assert.equal(variantOf(await infer(i, { credential: operator, headers: { 'x-umbral-variant': 'challenger', 'x-user-id': 'user-0' } }), i), 'challenger');
      assert.equal(variantOf(await infer(i, { credential: operator, headers: { 'x-umbral-variant': 'champion' } }), i), 'champion');
    }
    const forbidden = await infer(1, { headers: { 'x-umbral-variant': 'challenger' } });
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.code, 'UMBRAL_ERR_VARIANT_OVERRIDE_FORBIDDEN');
    const unknown = await infer(1, { credential: operator, headers: { 'x-umbral-variant': 'nope' } });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.code, 'UMBRAL_ERR_UNKNOWN_VARIANT');
  });

  it('names the variant in a gRPC trailer, with the sticky key and the override read from metadata', async () => {
    const request = { model_name: MODEL, inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], contents: { fp32_contents: [3] } }] };
    const rest = variantOf(await infer(3, { headers: { 'x-user-id': 'user-7' } }), 3);
    const sticky = await rpc(client, 'ModelInfer', request, { credential: plain, metadata: { 'x-user-id': 'user-7' } });
    assert.equal(sticky.code, 0, sticky.error?.message);
    assert.equal(trailer(sticky, 'x-umbral-variant'), rest, 'the same key lands alike over both protocols');
    const chosen = await rpc(client, 'ModelInfer', request, { credential: operator, metadata: { 'x-umbral-variant': 'challenger' } });
    assert.equal(trailer(chosen, 'x-umbral-variant'), 'challenger');
    const refused = await rpc(client, 'ModelInfer', request, { credential: plain, metadata: { 'x-umbral-variant': 'challenger' } });
    assert.equal(trailer(refused, 'x-umbral-error-code'), 'UMBRAL_ERR_VARIANT_OVERRIDE_FORBIDDEN');
  });

  it('records the variant in the prediction log and the metrics, and reports each variant with intervals', async () => {
    const answer = await infer(5, { headers: { 'x-request-id': 'traffic-logged-1', 'x-user-id': 'user-3' } });
    const variant = variantOf(answer, 5);
    await server.predictionLog.flush();
    const exported = await fetch(`${server.url}/admin/models/${MODEL}/predictions?format=jsonl`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const records = (await exported.text()).trim().split('\n').map((line) => JSON.parse(line) as { requestId?: string; request_id?: string; variant: string | null });
    const record = records.find((r) => (r.requestId ?? r.request_id) === 'traffic-logged-1');
    assert.equal(record?.variant, variant);

    const metrics = await call(server, 'GET', '/metrics', { credential: ADMIN_KEY });
    const text = String(metrics.body.text ?? '');
    const count = (v: string) => Number(new RegExp(`umbral_traffic_requests_total\\{model="${MODEL}",variant="${v}",outcome="ok"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    assert.ok(count('champion') > 0 && count('challenger') > 0, 'both variants counted');
    assert.match(text, new RegExp(`umbral_traffic_request_duration_seconds_count\\{model="${MODEL}",variant="challenger"\\} \\d+`));

    // Feedback on the labelled request: y was 5 (champion) or 10 (challenger); the label says 6.
    const feedback = await call(server, 'POST', `/admin/models/${MODEL}/feedback`, { credential: ADMIN_KEY, body: { request_id: 'traffic-logged-1', label: 6 } });
    assert.equal(feedback.status, 200, JSON.stringify(feedback.body));
    const report = await call(server, 'GET', `/admin/models/${MODEL}/ab-report?window=1h`, { credential: ADMIN_KEY });
    assert.equal(report.status, 200, JSON.stringify(report.body));
    assert.equal(report.body.logged, true);
    const rows = report.body.variants as Array<Record<string, unknown>>;
    assert.deepEqual(rows.map((r) => r.variant), ['champion', 'challenger']);
    const counted = records.filter((r) => r.variant !== null);
    for (const row of rows) {
      assert.equal(row.requests, counted.filter((r) => r.variant === row.variant).length, `${String(row.variant)}: requests as logged`);
      const [low, high] = row.error_rate_ci95 as [number, number];
      assert.ok(low === 0 && high > 0 && high < 0.1, `${String(row.variant)}: no errors, a narrow interval above 0: [${low}, ${high}]`);
    }
    const judged = rows.find((r) => r.variant === variant)?.quality as { metric: string; value: number; samples: number } | null;
    assert.deepEqual([judged?.metric, judged?.value, judged?.samples], ['mae', Math.abs((variant === 'challenger' ? 10 : 5) - 6), 1]);
    const cli = await runCli(['models', 'ab-report', MODEL, '--window', '1h'], { UMBRAL_URL: server.url, UMBRAL_API_KEY: ADMIN_KEY });
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /VARIANT +TARGET +WEIGHT +REQUESTS/);
    assert.match(cli.stdout, /^challenger +2 +50% +\d+ +0\.00% \[0\.00%, \d+\.\d+%\]/m);
    const unknown = await call(server, 'GET', '/admin/models/nope/ab-report', { credential: ADMIN_KEY });
    assert.equal(unknown.status, 404);
    assert.equal((await call(server, 'GET', `/admin/models/${MODEL}/ab-report?window=soon`, { credential: ADMIN_KEY })).status, 400);
  });
});
