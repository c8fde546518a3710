import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SPAM_REQUEST } from './helpers/access-kit.js';
import { failingTwoClassModel, slowTwoClassModel } from './helpers/faulty-two-class-model.js';
import { eventually, startHttpReceiver, type HttpReceiver } from './helpers/notification-receivers.js';
import { uploadVersion } from './helpers/scale-model.js';
import { runCli } from './helpers/spawn-cli.js';
import { SPAM_DATASET, SPAM_LABELS, SPAM_MODEL, respun, uploadSpam } from './helpers/spam-story.js';
import { DEFAULT_MODELS, startTestServer, type TestServer } from './helpers/test-server.js';
import { testTempDir } from './helpers/temp-dir.js';
import { TWO_CLASS_MANIFEST, twoClassModel } from './helpers/two-class-model.js';

const SCORER = 'scorer';
const OVERRIDES = { 'rollouts.tickMs': 100, 'notifications.pollIntervalMs': 100, 'notifications.backoffMinMs': 50 };
/** Short steps: each holds 400 ms and needs 5 requests of the challenger. */
const QUICK_STEPS = [{ share: 25, duration: '400ms' }, { share: 50, duration: '400ms' }, { share: 100, duration: '300ms' }];

/** A rollout as the admin API answers it. */
interface RolloutBody { id: string; status: string; step: number; steps: number; share: number; champion: number; challenger: number; reason: string }

/** The parts of the admin API's answers these tests read. */
interface Body extends Partial<RolloutBody> {
  code?: string; error?: string; version?: number; aliases?: Record<string, number>; entries?: Array<{ action: string }>; rollouts?: RolloutBody[];
  policy?: { traffic?: { split: Array<{ variant: string; target: number; weight: number }> } };
}

async function send(server: { url: string }, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Body };
}

/** Clients that keep calling `model` until stopped, counting every status and variant. */
function steadyLoad(server: { url: string }, model: string, body: unknown, clients = 4) {
  const statuses = new Map<number, number>();
  const variants = new Map<string, number>();
  let running = true;
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      const response = await fetch(`${server.url}/v2/models/${model}/infer`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const variant = response.headers.get('x-umbral-variant') ?? 'none';
      variants.set(variant, (variants.get(variant) ?? 0) + 1);
    }
  });
  return {
    statuses, variants,
    async stop() {
      running = false;
      await Promise.all(loops);
      return { statuses: Object.fromEntries(statuses), variants: Object.fromEntries(variants) };
    },
  };
}

const current = (server: TestServer, model: string) => send(server, 'GET', `/admin/models/${model}/rollouts/current`);
const ended = async (server: TestServer, model: string) => {
  await eventually(async () => (await current(server, model)).status === 404, `the rollout of ${model} to end`, 30_000);
  return (await send(server, 'GET', `/admin/models/${model}/rollouts?limit=1`)).body.rollouts?.[0] as RolloutBody;
};
const events = (receiver: HttpReceiver, type: string) => receiver.received.map((r) => r.json as { type?: string; details?: Record<string, unknown> }).filter((e) => e.type === type);

async function subscribe(server: TestServer, receiver: HttpReceiver): Promise<void> {
  assert.equal((await send(server, 'POST', '/admin/notifications/channels', {
    name: 'canary-hook', kind: 'webhook', config: { url: `${receiver.url}/events` }, secret: 'canary-test-hmac-key-0123456789',
  })).status, 201);
  assert.equal((await send(server, 'POST', '/admin/notifications/rules', { events: ['canary.step', 'canary.aborted'], channel: 'canary-hook' })).status, 201);
}

describe('canary rollouts: the ticket-classifier story under a steady load', () => {
  let server: TestServer;
  let receiver: HttpReceiver;
  const M = `/admin/models/${SPAM_MODEL}`;

  before(async () => {
    receiver = await startHttpReceiver();
    server = await startTestServer({ models: { [SPAM_MODEL]: DEFAULT_MODELS[SPAM_MODEL] }, overrides: OVERRIDES });
    await subscribe(server, receiver);
    assert.equal((await send(server, 'POST', `${M}/datasets?name=holdout`, SPAM_DATASET)).status, 201);
    const policy = await send(server, 'PATCH', `${M}/policy`, { prediction_log: { sample_rate: 1 }, promotion: { dataset: 'holdout', metric: 'f1_macro', min_improvement: 0 } });
    assert.equal(policy.status, 200, JSON.stringify(policy.body));
  });
  after(async () => {
    await server?.shutdown('test done');
    await receiver?.stop();
  });

  it('refuses bad plans and bad states with a clear 4xx, the registry unchanged', async () => {
    const before = [(await send(server, 'GET', M)).body, (await send(server, 'GET', `${M}/policy`)).body];
    const noChallenger = await send(server, 'POST', `${M}/rollouts`, { steps: QUICK_STEPS });
    assert.deepEqual([noChallenger.status, noChallenger.body.code], [409, 'UMBRAL_ERR_ROLLOUT_REFUSED']);
    assert.match(String(noChallenger.body.error), /it has no challenger alias/);
    for (const [plan, pattern] of [
      [{ steps: [{ share: 50, duration: '1m' }, { share: 25, duration: '1m' }, { share: 100 }] }, /steps\[1\]\.share: 25 follows 50/],
      [{ steps: [{ share: 5, duration: '1m' }, { share: 50 }] }, /the last step's share is 50; end at 100/],
      [{ steps: [{ share: 5, duration: 'a while' }, { share: 100 }] }, /steps\[0\]\.duration: use a number and a unit/],
      [{ steps: [{ share: 100 }], guards: { max_error_rate: 2 } }, /guards\.max_error_rate/],
      ['[1, 2]', /plan/],
    ] as const) {
      const refused = await send(server, 'POST', `${M}/rollouts`, plan);
      assert.deepEqual([refused.status, refused.body.code], [400, 'UMBRAL_ERR_INVALID_REQUEST'], JSON.stringify(refused.body));
      assert.match(String(refused.body.error), pattern);
    }
    assert.equal((await send(server, 'POST', '/admin/models/nope/rollouts', { steps: [{ share: 100 }] })).status, 404);
    assert.deepEqual((await current(server, SPAM_MODEL)).body.code, 'UMBRAL_ERR_ROLLOUT_NOT_FOUND');
    assert.deepEqual((await send(server, 'POST', `${M}/rollouts/current/abort`)).body.code, 'UMBRAL_ERR_ROLLOUT_NOT_FOUND');
    assert.deepEqual([(await send(server, 'GET', M)).body, (await send(server, 'GET', `${M}/policy`)).body], before);
  });

  it('gates the start: a worse challenger never gets traffic', async () => {
    const worse = await uploadSpam(server, respun('worse'), { labels: { probabilities: ['spam', 'ham'] } }, 'challenger');
    const refused = await send(server, 'POST', `${M}/rollouts`, { steps: QUICK_STEPS });
    assert.deepEqual([refused.status, refused.body.code], [409, 'UMBRAL_ERR_GATE_FAILED'], JSON.stringify(refused.body));
    assert.match(String(refused.body.error), new RegExp(`refused challenger version ${worse}`));
    assert.equal((await send(server, 'GET', `${M}/policy`)).body.policy?.traffic, undefined);
    assert.deepEqual((await send(server, 'GET', `${M}/rollouts`)).body.rollouts, []);
  });

  it('steps a retrained challenger up through its plan under load and promotes it, with no failed request', async () => {
    const good = await uploadSpam(server, respun('retrained'), { labels: SPAM_LABELS }, 'challenger');
    const load = steadyLoad(server, SPAM_MODEL, SPAM_REQUEST);
    const started = await send(server, 'POST', `${M}/rollouts`, { steps: QUICK_STEPS, guards: { max_error_rate: 0.05, min_requests: 5 } });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    assert.deepEqual([started.body.status, started.body.step, started.body.share, started.body.champion, started.body.challenger], ['running', 1, 25, 1, good]);
    const split = (await send(server, 'GET', `${M}/policy`)).body.policy?.traffic?.split;
    assert.deepEqual(split, [{ variant: 'champion', target: 1, weight: 75 }, { variant: 'challenger', target: good, weight: 25 }]);

    const twice = await send(server, 'POST', `${M}/rollouts`, { steps: QUICK_STEPS });
    assert.deepEqual([twice.status, twice.body.code], [409, 'UMBRAL_ERR_ROLLOUT_RUNNING']);
    assert.match(String(twice.body.error), new RegExp(`already has a rollout running \\(id ${started.body.id}, step \\d of 3`));

    const rollout = await ended(server, SPAM_MODEL);
    const seen = await load.stop();
    assert.deepEqual([rollout.status, rollout.id], ['promoted', started.body.id], JSON.stringify(rollout));
    assert.deepEqual(Object.keys(seen.statuses), ['200'], `every client request answered 200: ${JSON.stringify(seen)}`);
    assert.ok((seen.variants.challenger ?? 0) > 0 && (seen.variants.champion ?? 0) > 0, JSON.stringify(seen.variants));
    const model = (await send(server, 'GET', M)).body;
    assert.deepEqual(model.aliases, { champion: good, previous: 1 });
    assert.equal((await send(server, 'GET', `${M}/policy`)).body.policy?.traffic, undefined, 'the split is gone once promoted');
    await eventually(() => events(receiver, 'canary.step').length === 3, 'a canary.step for each of the 3 steps');
    assert.deepEqual(events(receiver, 'canary.step').map((e) => e.details?.share), [25, 50, 100]);
    // The audit log: the gate judged the challenger once, when the rollout started; the promotion did not evaluate again.
    const history = (await send(server, 'GET', `${M}/history?limit=50`)).body.entries ?? [];
    const actions = history.map((e) => e.action).filter((action) => action.startsWith('gate.') || action === 'promote');
    assert.deepEqual([...new Set(actions)], ['promote', 'gate.passed', 'gate.failed'], JSON.stringify(actions));
    assert.equal(actions.filter((action) => action === 'gate.passed').length, 1);
  });
});

describe('canary rollouts: a failing challenger is rolled back within one step, clients unharmed', () => {
  let server: TestServer;
  let receiver: HttpReceiver;
  const M = `/admin/models/${SCORER}`;
  const dataDir = testTempDir('umbral-canary-');

  before(async () => {
    receiver = await startHttpReceiver();
    server = await startTestServer({ models: {}, overrides: { ...OVERRIDES, 'store.dataDir': dataDir } });
    await subscribe(server, receiver);
    assert.equal((await send(server, 'POST', '/admin/models', { name: SCORER })).status, 201);
    assert.equal((await uploadVersion(server.url, SCORER, twoClassModel([1, -1]), { manifest: TWO_CLASS_MANIFEST, alias: 'champion' })).status, 201);
    // The champion stands in for a request the challenger fails: clients see its answer, the guard sees the failure.
    const policy = await send(server, 'PUT', `${M}/policy`, { prediction_log: { sample_rate: 1 }, fallback: [`${SCORER}:champion`] });
    assert.equal(policy.status, 200, JSON.stringify(policy.body));
  });
  after(async () => {
    await server?.shutdown('test done');
    await receiver?.stop();
  });

  for (const [kind, bytes, guards] of [
    ['errors', failingTwoClassModel, { max_error_rate: 0.01, min_requests: 5 }],
    ['slow answers', slowTwoClassModel, { max_p99_ms: 20, min_requests: 5 }],
  ] as const) {
    it(`rolls back a challenger whose ${kind} break a guard, notifies, and no client request fails`, async () => {
      const pushed = await uploadVersion(server.url, SCORER, bytes(), { manifest: TWO_CLASS_MANIFEST, alias: 'challenger' });
      assert.equal(pushed.status, 201, JSON.stringify(pushed.body));
      const load = steadyLoad(server, SCORER, { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: [1] }] });
      const started = await send(server, 'POST', `${M}/rollouts`, { steps: [{ share: 20, duration: '30s' }, { share: 100, duration: '30s' }], guards });
      assert.equal(started.status, 201, JSON.stringify(started.body));
      const rollout = await ended(server, SCORER);
      const seen = await load.stop();
      assert.deepEqual([rollout.status, rollout.step], ['aborted', 1], JSON.stringify(rollout));
      assert.match(String(rollout.reason), kind === 'errors' ? /guard failed at step 1: error rate .* is above max_error_rate 0.01/ : /guard failed at step 1: p99 latency .* is above max_p99_ms 20/);
      assert.deepEqual(Object.keys(seen.statuses), ['200'], `every client request answered 200: ${JSON.stringify(seen)}`);
      const model = (await send(server, 'GET', M)).body;
      assert.deepEqual([model.aliases?.champion, model.aliases?.challenger], [1, pushed.body.version], 'the champion keeps serving; nothing promoted');
      assert.equal((await send(server, 'GET', `${M}/policy`)).body.policy?.traffic, undefined, 'the challenger\'s share is 0: the split is gone');
      await eventually(() => events(receiver, 'canary.aborted').some((e) => e.details?.rollout === started.body.id), 'the canary.aborted notification');
    });
  }

  it('carries on from its step after a restart, and is driven from the CLI', async () => {
    const good = (await uploadVersion(server.url, SCORER, twoClassModel([1, -1], { tag: 'retrained' }), { manifest: TWO_CLASS_MANIFEST, alias: 'challenger' })).body.version;
    const cli = (...args: string[]) => runCli(['rollout', ...args, '--url', server.url]);
    const start = await cli('start', SCORER, '--steps', '10:100ms,50:2s,100', '--min-requests', '1', '--max-error-rate', '0.5');
    assert.equal(start.code, 0, start.stderr);
    assert.match(start.stdout, new RegExp(`started rollout \\d+ of scorer: version ${String(good)} takes 10 %`));
    const input = { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: [1] }] };
    let load = steadyLoad(server, SCORER, input, 2);
    await eventually(async () => (await current(server, SCORER)).body.step === 2, 'step 2');
    await load.stop();
    const status = await cli('status', SCORER);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /step 2 of 3 at 50 %/);

    await server.shutdown('restart');
    server = await startTestServer({ models: {}, overrides: { ...OVERRIDES, 'store.dataDir': dataDir } });
    const resumed = (await current(server, SCORER)).body;
    assert.equal(resumed.status, 'running');
    assert.ok((resumed.step ?? 0) >= 2, `the rollout goes on from its step, not from the start: ${JSON.stringify(resumed)}`);
    load = steadyLoad(server, SCORER, input, 2);
    const rollout = await ended(server, SCORER);
    const seen = await load.stop();
    assert.equal(rollout.status, 'promoted', JSON.stringify(rollout));
    assert.deepEqual(Object.keys(seen.statuses), ['200'], JSON.stringify(seen));
    assert.equal((await send(server, 'GET', M)).body.aliases?.champion, good);
    const history = await runCli(['rollout', 'history', SCORER, '--url', server.url]);
    assert.match(history.stdout, /promoted/);
    assert.match(history.stdout, /aborted/);

    // An operator's abort: the challenger's share to 0 at once.
    assert.equal((await uploadVersion(server.url, SCORER, twoClassModel([1, -1], { tag: 'another' }), { manifest: TWO_CLASS_MANIFEST, alias: 'challenger' })).status, 201);
    assert.equal((await runCli(['rollout', 'start', SCORER, '--steps', '30:1h,100', '--url', server.url])).code, 0);
    assert.equal((await send(server, 'GET', `${M}/policy`)).body.policy?.traffic?.split[1]?.weight, 30);
    const abort = await runCli(['rollout', 'abort', SCORER, '--reason', 'pager went off', '--url', server.url]);
    assert.equal(abort.code, 0, abort.stderr);
    assert.match(abort.stdout, /aborted rollout \d+ of scorer/);
    assert.equal((await send(server, 'GET', `${M}/policy`)).body.policy?.traffic, undefined);
    const last = (await send(server, 'GET', `${M}/rollouts?limit=1`)).body.rollouts?.[0];
    assert.deepEqual([last?.status, last?.reason], ['aborted', 'aborted by anonymous: pager went off']);
    const missing = await runCli(['rollout', 'status', SCORER, '--url', server.url]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /UMBRAL_ERR_ROLLOUT_NOT_FOUND/);
  });
});
