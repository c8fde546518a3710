import assert from 'node:assert/strict';
import { it } from 'node:test';
import { freshName, type RegistryFixture } from './registry-test-kit.js';

const SEED = 'a'.repeat(64);
const OTHER_SEED = 'b'.repeat(64);

/** What every registry does with models' policies: revisions, history with the changes, seeding, conflicts. */
export function policyContract(get: () => RegistryFixture): void {
  it('stores a policy as revisions, each with who, when and what changed, and an audit entry', async () => {
    const { registry } = get();
    const name = freshName();
    await registry.createModel(name, null, 'alice');
    assert.equal(await registry.getPolicy(name), undefined, 'no policy until one is set');
    const first = await registry.setPolicy(name, { rate_limit: { requests_per_minute: 600 } }, 'alice');
    assert.deepEqual([first.revision, first.updatedBy, first.policy], [1, 'alice', { rate_limit: { requests_per_minute: 600 } }]);
    const second = await registry.setPolicy(name, { rate_limit: { requests_per_minute: 1200 }, required: false }, 'bob', { expectedRevision: 1 });
    assert.equal(second.revision, 2);
    assert.deepEqual(await registry.getPolicy(name), second);
    const unchanged = await registry.setPolicy(name, { required: false, rate_limit: { requests_per_minute: 1200 } }, 'carol');
    assert.equal(unchanged.revision, 2, 'the same policy is no new revision');
    const [latest, earliest] = await registry.policyHistory(name);
    assert.deepEqual([latest?.revision, latest?.actor], [2, 'bob']);
    assert.deepEqual(latest?.changes, [
      { path: 'rate_limit.requests_per_minute', from: 600, to: 1200 },
      { path: 'required', from: null, to: false },
    ]);
    assert.deepEqual(earliest?.changes, [{ path: 'rate_limit', from: null, to: { requests_per_minute: 600 } }]);
    assert.deepEqual((await registry.policyHistory(name, { beforeRevision: 2 })).map((r) => r.revision), [1]);
    const audited = (await registry.history(name)).filter((e) => e.action === 'policy.set').map((e) => [e.actor, e.from, e.to]);
    assert.deepEqual(audited, [['bob', '1', '2'], ['alice', null, '1']]);
    assert.ok((await registry.listPolicies()).some((p) => p.model === name && p.revision === 2));
  });

  it('refuses a change based on an older revision with 412, changing nothing', async () => {
    const { registry } = get();
    const name = freshName();
    await registry.createModel(name, null, 'alice');
    await registry.setPolicy(name, { required: true }, 'alice', { expectedRevision: 0 });
    await assert.rejects(registry.setPolicy(name, { required: false }, 'bob', { expectedRevision: 0 }), { code: 'UMBRAL_ERR_POLICY_CONFLICT', status: 412 });
    assert.deepEqual((await registry.getPolicy(name))?.policy, { required: true });
    await assert.rejects(registry.setPolicy(freshName('absent'), {}, 'bob'), { code: 'UMBRAL_ERR_MODEL_NOT_FOUND' });
  });

  it('seeds a policy from model.yaml only when the file changed since it last did', async () => {
    const { registry } = get();
    const name = freshName();
    await registry.createModel(name, null, 'system');
    assert.equal((await registry.seedPolicy(name, { fallback: ['a'] }, SEED, 'system'))?.revision, 1);
    await registry.setPolicy(name, { fallback: ['b'] }, 'alice');
    const kept = await registry.seedPolicy(name, { fallback: ['a'] }, SEED, 'system');
    assert.deepEqual(kept?.policy, { fallback: ['b'] }, 'an unchanged model.yaml leaves the admin API\'s change');
    const reseeded = await registry.seedPolicy(name, { fallback: ['c'] }, OTHER_SEED, 'system');
    assert.deepEqual([reseeded?.revision, reseeded?.policy], [3, { fallback: ['c'] }]);
  });

  it('keeps policy history rows from being updated or deleted', async () => {
    const { registry, db } = get();
    const name = freshName();
    await registry.createModel(name, null, 'alice');
    await registry.setPolicy(name, { required: false }, 'alice');
    await assert.rejects(db.query("UPDATE umbral_policy_history SET actor = 'mallory' WHERE model = $1", [name]), /append-only/);
    await assert.rejects(db.query('DELETE FROM umbral_policy_history WHERE model = $1', [name]), /append-only/);
  });
}
