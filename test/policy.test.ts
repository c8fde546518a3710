import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ADMIN_KEY, SPAM_REQUEST, call, startSecuredServer } from './helpers/access-kit.js';
import { runCli } from './helpers/spawn-cli.js';
import { testTempDir } from './helpers/temp-dir.js';
import type { TestServer } from './helpers/test-server.js';

const policyOf = (server: TestServer, model: string) => call(server, 'GET', `/admin/models/${model}/policy`, { credential: ADMIN_KEY });

async function patch(server: TestServer, model: string, body: unknown, headers: Record<string, string> = {}) {
  const answer = await fetch(`${server.url}/admin/models/${model}/policy`, {
    method: 'PATCH', body: JSON.stringify(body),
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/merge-patch+json', ...headers },
  });
  return { status: answer.status, headers: answer.headers, body: await answer.json() as Record<string, unknown> };
}

describe('model policy through the admin API and the CLI', () => {
  let server: TestServer;
  before(async () => {
    server = await startSecuredServer();
  });
  after(() => server?.shutdown('test done'));

  it('is seeded from model.yaml, with its policy keys only, and carries its revision as an ETag', async () => {
    const answer = await policyOf(server, 'spam-classifier');
    assert.equal(answer.status, 200);
    assert.equal(answer.body.revision, 1);
    assert.equal(answer.headers.get('etag'), '"1"');
    assert.equal(answer.body.updatedBy, 'system');
    assert.deepEqual(Object.keys(answer.body.policy as object), ['dynamic_batching'], 'model.yaml\'s other keys (metadata, output…) are not policy');
  });

  it('refuses an invalid policy with 400 listing every problem with its key, and changes nothing', async () => {
    const before = await policyOf(server, 'spam-classifier');
    const refused = await call(server, 'PUT', '/admin/models/spam-classifier/policy', {
      credential: ADMIN_KEY, body: { rate_limit: { requests_per_minute: -1 }, colour: 'blue', kserve: { servers: ['x:1'] } },
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.code, 'UMBRAL_ERR_POLICY_INVALID');
    assert.match(String(refused.body.error), /rate_limit\.requests_per_minute/);
    assert.match(String(refused.body.error), /colour|Unrecognized key/);
    const sections = await call(server, 'PUT', '/admin/models/spam-classifier/policy', { credential: ADMIN_KEY, body: { kserve: { servers: ['x:1'] } } });
    assert.equal(sections.status, 400);
    assert.match(String(sections.body.error), /kserve: only for backend kserve \(this model's backend is onnx\)/);
    assert.deepEqual(await policyOf(server, 'spam-classifier').then((a) => a.body), before.body);
  });

  it('merge-patches the policy (RFC 7396), applies it at once, and keeps the history with actor and changes', async () => {
    const changed = await patch(server, 'spam-classifier', { rate_limit: { requests_per_minute: 2 } }, { 'if-match': '"1"' });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.revision, 2);
    assert.equal(changed.headers.get('etag'), '"2"');
    assert.ok('dynamic_batching' in (changed.body.policy as object), 'a merge patch keeps what it does not name');
    const infer = () => call(server, 'POST', '/v2/models/spam-classifier/infer', { credential: ADMIN_KEY, body: SPAM_REQUEST });
    assert.equal((await infer()).status, 200);
    assert.equal((await infer()).status, 200);
    assert.equal((await infer()).status, 429);
    const stale = await patch(server, 'spam-classifier', { rate_limit: null }, { 'if-match': '"1"' });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.code, 'UMBRAL_ERR_POLICY_CONFLICT');
    const history = await call(server, 'GET', '/admin/models/spam-classifier/policy/history', { credential: ADMIN_KEY });
    const [latest] = history.body.revisions as Array<{ revision: number; actor: string; changes: unknown }>;
    assert.deepEqual([latest?.revision, latest?.actor], [2, 'key:bootstrap']);
    assert.deepEqual(latest?.changes, [{ path: 'rate_limit', from: null, to: { requests_per_minute: 2 } }]);
    const audit = await call(server, 'GET', '/admin/models/spam-classifier/history', { credential: ADMIN_KEY });
    assert.ok((audit.body.entries as Array<{ action: string }>).some((e) => e.action === 'policy.set'));
    const removed = await patch(server, 'spam-classifier', { rate_limit: null });
    assert.equal(removed.status, 200);
    assert.equal((await infer()).status, 200, 'the limit is gone with its key');
  });

  it('refuses a PATCH that is not a JSON merge patch with 415', async () => {
    const answer = await fetch(`${server.url}/admin/models/spam-classifier/policy`, {
      method: 'PATCH', body: '[{"op": "remove", "path": "/rate_limit"}]', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json-patch+json' },
    });
    assert.equal(answer.status, 415);
  });

  it('gives a policy to a model made through the admin API, and answers 404 for an unknown one', async () => {
    assert.equal((await call(server, 'POST', '/admin/models', { credential: ADMIN_KEY, body: { name: 'made-here' } })).status, 201);
    assert.equal((await policyOf(server, 'made-here')).body.revision, 0);
    const set = await call(server, 'PUT', '/admin/models/made-here/policy', { credential: ADMIN_KEY, body: { required: false, fallback: ['spam-classifier'] } });
    assert.equal(set.status, 200);
    assert.equal(set.body.revision, 1);
    assert.equal((await policyOf(server, 'no-such-model')).status, 404);
  });

  it('is shown, changed key by key and replaced from a file by `umbral models policy`', async () => {
    const client = { UMBRAL_URL: server.url, UMBRAL_API_KEY: ADMIN_KEY };
    const shown = await runCli(['models', 'policy', 'spam-classifier'], client);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /policy revision \d+, by key:bootstrap/);
    assert.match(shown.stdout, /dynamic_batching:/);
    const set = await runCli(['models', 'policy', 'spam-classifier', '--set', 'rate_limit.concurrent=4', '--set', 'required=false', '--json'], client);
    assert.equal(set.code, 0, set.stderr);
    const document = JSON.parse(set.stdout) as { policy: { rate_limit?: { concurrent?: number }; required?: boolean } };
    assert.deepEqual([document.policy.rate_limit?.concurrent, document.policy.required], [4, false]);
    const file = join(testTempDir('umbral-policy-'), 'policy.yaml');
    writeFileSync(file, 'fallback: [made-here]\nlimits:\n  timeout_ms: 5000\n');
    const replaced = await runCli(['models', 'policy', 'spam-classifier', '--file', file, '--json'], client);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.deepEqual((JSON.parse(replaced.stdout) as { policy: unknown }).policy, { fallback: ['made-here'], limits: { timeout_ms: 5000 } });
    const bad = await runCli(['models', 'policy', 'spam-classifier', '--set', 'rate_limit.requests_per_minute=lots'], client);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /UMBRAL_ERR_POLICY_INVALID|rate_limit\.requests_per_minute/);
  });
});
