import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CHALLENGER, CHAMPION, PREVIOUS } from '../../../src/registry/registry.js';
import { policyContract } from './policy-contract.js';
import { refusalContract } from './registry-refusal-contract.js';
import { artifact, freshName, MANIFEST, type RegistryFixture } from './registry-test-kit.js';

const ANYONE = 'tester';

/**
 * Declares the suite every registry passes, with a fixture opened once for it. `skip` skips it with
 * that reason shown (e.g. no database server configured).
 */
export function registryContract(name: string, open: () => Promise<RegistryFixture>, skip?: string): void {
  describe(`registry contract: ${name}`, skip ? { skip } : {}, () => {
    let f: RegistryFixture;
    const get = () => f;
    before(async () => { f = await open(); });
    after(async () => f?.dispose());

    it('creates, gets and lists models', async () => {
      const name = freshName();
      const created = await f.registry.createModel(name, 'tickets', 'alice');
      assert.equal(created.name, name);
      assert.equal(created.description, 'tickets');
      assert.equal(created.createdBy, 'alice');
      assert.ok(created.createdAt instanceof Date && Math.abs(created.createdAt.getTime() - Date.now()) < 60_000);
      assert.deepEqual(created.aliases, {});
      assert.equal(created.latestVersion, null);
      assert.deepEqual(await f.registry.getModel(name), created);
      assert.ok((await f.registry.listModels()).some((m) => m.name === name));
      assert.equal(await f.registry.getModel(freshName('absent')), undefined);
      const [entry] = await f.registry.history(name);
      assert.deepEqual([entry?.action, entry?.actor, entry?.to], ['model.create', 'alice', name]);
    });

    it('numbers versions 1, 2, 3 and creates the model on the first', async () => {
      const name = freshName();
      const v1 = await f.registry.addVersion(name, artifact(`${name}-1`, ['nightly', 'a-first']), 'bob');
      const v2 = await f.registry.addVersion(name, { ...artifact(`${name}-2`), artifactSize: 2 ** 40 }, 'bob');
      const v3 = await f.registry.addVersion(name, artifact(`${name}-3`), 'bob');
      assert.deepEqual([v1.version, v2.version, v3.version], [1, 2, 3]);
      assert.deepEqual(v1.tags, ['a-first', 'nightly']);
      assert.deepEqual(v1.manifest, MANIFEST);
      assert.equal(v2.artifactSize, 2 ** 40);
      assert.deepEqual(await f.registry.getVersion(name, 2), v2);
      assert.deepEqual((await f.registry.listVersions(name)).map((v) => v.version), [3, 2, 1]);
      assert.equal((await f.registry.getModel(name))?.latestVersion, 3);
      assert.equal(await f.registry.getVersion(name, 4), undefined);
      assert.equal(await f.registry.getVersion(name, 1.5), undefined);
      const actions = (await f.registry.history(name)).map((e) => `${e.action}:${e.subject ?? ''}:${e.to ?? ''}`).reverse();
      assert.deepEqual(actions, [`model.create::${name}`, 'version.create::1', 'version.tag:a-first:1',
        'version.tag:nightly:1', 'version.create::2', 'version.create::3']);
    });

    it('gives concurrent uploads distinct numbers, on a new model and on an existing one', async () => {
      const name = freshName();
      const first = await Promise.all(Array.from({ length: 8 }, (_, i) =>
        f.registry.addVersion(name, artifact(`${name}-a${i}`), ANYONE)));
      const second = await Promise.all(Array.from({ length: 8 }, (_, i) =>
        f.registry.addVersion(name, artifact(`${name}-b${i}`), ANYONE)));
      const numbers = [...first, ...second].map((v) => v.version).sort((a, b) => a - b);
      assert.deepEqual(numbers, Array.from({ length: 16 }, (_, i) => i + 1));
      const created = (await f.registry.history(name)).filter((e) => e.action === 'model.create');
      assert.equal(created.length, 1);
    });

    it('never reuses the number of a deleted version, and takes back its artifact', async () => {
      const name = freshName();
      await f.registry.addVersion(name, artifact(`${name}-1`), ANYONE);
      await f.registry.addVersion(name, artifact(`${name}-2`), ANYONE);
      await f.registry.deleteVersion(name, 2, 'carol');
      assert.equal(await f.registry.getVersion(name, 2), undefined);
      assert.equal((await f.registry.getModel(name))?.latestVersion, 1);
      const again = await f.registry.addVersion(name, artifact(`${name}-2`), ANYONE);
      assert.equal(again.version, 3);
      const [, deleted] = await f.registry.history(name, { limit: 2 });
      assert.deepEqual([deleted?.action, deleted?.actor, deleted?.from, deleted?.to], ['version.delete', 'carol', '2', null]);
    });

    it('sets, moves and deletes aliases, logging each move from → to', async () => {
      const name = freshName();
      for (const i of [1, 2]) await f.registry.addVersion(name, artifact(`${name}-${i}`), ANYONE);
      await f.registry.setAlias(name, 'stable', 1, 'dan');
      await f.registry.setAlias(name, 'stable', 2, 'dan');
      await f.registry.setAlias(name, 'stable', 2, 'dan');
      await f.registry.setAlias(name, 'v2.blue', 2, 'dan');
      assert.deepEqual((await f.registry.getModel(name))?.aliases, { stable: 2, 'v2.blue': 2 });
      await f.registry.deleteAlias(name, 'stable', 'erin');
      assert.deepEqual((await f.registry.getModel(name))?.aliases, { 'v2.blue': 2 });
      const moves = (await f.registry.history(name, { limit: 4 })).reverse()
        .map((e) => [e.action, e.subject, e.from, e.to, e.actor]);
      assert.deepEqual(moves, [
        ['alias.set', 'stable', null, '1', 'dan'],
        ['alias.set', 'stable', '1', '2', 'dan'],
        ['alias.set', 'v2.blue', null, '2', 'dan'],
        ['alias.delete', 'stable', '2', null, 'erin'],
      ], 'setting an alias to where it already points logs nothing');
    });

    it('promotes challenger to champion, keeping the old champion as previous', async () => {
      const name = freshName();
      for (const i of [1, 2, 3]) await f.registry.addVersion(name, artifact(`${name}-${i}`), ANYONE);
      await f.registry.setAlias(name, CHALLENGER, 1, ANYONE);
      let model = await f.registry.promote(name, 'ops');
      assert.deepEqual(model.aliases, { [CHAMPION]: 1 }, 'first promotion: no previous');
      await f.registry.setAlias(name, CHALLENGER, 2, ANYONE);
      model = await f.registry.promote(name, 'ops');
      assert.deepEqual(model.aliases, { [CHAMPION]: 2, [PREVIOUS]: 1 });
      await f.registry.setAlias(name, CHALLENGER, 3, ANYONE);
      model = await f.registry.promote(name, 'ops');
      assert.deepEqual(model.aliases, { [CHAMPION]: 3, [PREVIOUS]: 2 });
      assert.deepEqual(await f.registry.getModel(name), model);
      const moves = (await f.registry.history(name, { limit: 3 })).reverse().map((e) => [e.action, e.subject, e.from, e.to]);
      assert.deepEqual(moves, [
        ['promote', CHAMPION, '2', '3'], ['promote', PREVIOUS, '1', '2'], ['promote', CHALLENGER, '3', null]]);
    });

    it('promoting a challenger that is already champion only removes the challenger', async () => {
      const name = freshName();
      for (const i of [1, 2]) await f.registry.addVersion(name, artifact(`${name}-${i}`), ANYONE);
      for (const [alias, v] of [[PREVIOUS, 1], [CHAMPION, 2], [CHALLENGER, 2]] as const) {
        await f.registry.setAlias(name, alias, v, ANYONE);
      }
      assert.deepEqual((await f.registry.promote(name, ANYONE)).aliases, { [CHAMPION]: 2, [PREVIOUS]: 1 });
    });

    it('rolls back to previous, and a second rollback undoes the first', async () => {
      const name = freshName();
      for (const i of [1, 2]) await f.registry.addVersion(name, artifact(`${name}-${i}`), ANYONE);
      await f.registry.setAlias(name, CHAMPION, 1, ANYONE);
      await f.registry.setAlias(name, CHALLENGER, 2, ANYONE);
      await f.registry.promote(name, ANYONE);
      let model = await f.registry.rollback(name, 'ops');
      assert.deepEqual(model.aliases, { [CHAMPION]: 1, [PREVIOUS]: 2 });
      model = await f.registry.rollback(name, 'ops');
      assert.deepEqual(model.aliases, { [CHAMPION]: 2, [PREVIOUS]: 1 });
      const moves = (await f.registry.history(name, { limit: 4 })).reverse().map((e) => [e.action, e.subject, e.from, e.to]);
      assert.deepEqual(moves, [
        ['rollback', CHAMPION, '2', '1'], ['rollback', PREVIOUS, '1', '2'],
        ['rollback', CHAMPION, '1', '2'], ['rollback', PREVIOUS, '2', '1']]);
    });

    it('rolls back without a champion: previous becomes champion', async () => {
      const name = freshName();
      await f.registry.addVersion(name, artifact(`${name}-1`), ANYONE);
      await f.registry.setAlias(name, PREVIOUS, 1, ANYONE);
      assert.deepEqual((await f.registry.rollback(name, ANYONE)).aliases, { [CHAMPION]: 1 });
    });

    it('tags and untags versions; repeating either changes nothing', async () => {
      const name = freshName();
      await f.registry.addVersion(name, artifact(`${name}-1`), ANYONE);
      await f.registry.tag(name, 1, 'reviewed', 'fay');
      await f.registry.tag(name, 1, 'reviewed', 'fay');
      await f.registry.tag(name, 1, 'baseline', 'fay');
      assert.deepEqual((await f.registry.getVersion(name, 1))?.tags, ['baseline', 'reviewed']);
      await f.registry.untag(name, 1, 'reviewed', 'fay');
      await f.registry.untag(name, 1, 'reviewed', 'fay');
      assert.deepEqual((await f.registry.getVersion(name, 1))?.tags, ['baseline']);
      const moves = (await f.registry.history(name, { limit: 3 })).reverse().map((e) => [e.action, e.subject, e.from, e.to]);
      assert.deepEqual(moves, [
        ['version.tag', 'reviewed', null, '1'], ['version.tag', 'baseline', null, '1'], ['version.untag', 'reviewed', '1', null]]);
    });

    it('retention retires the oldest unaliased versions beyond the newest N, never an aliased one', async () => {
      const name = freshName();
      for (const i of [1, 2, 3, 4, 5, 6]) await f.registry.addVersion(name, artifact(`${name}-${i}`), ANYONE);
      await f.registry.setAlias(name, CHAMPION, 1, ANYONE);
      await f.registry.setAlias(name, 'pinned', 3, ANYONE);
      assert.deepEqual(await f.registry.applyRetention(name, 2, 'janitor'), [2, 4]);
      assert.deepEqual((await f.registry.listVersions(name)).map((v) => v.version), [6, 5, 3, 1]);
      assert.deepEqual(await f.registry.applyRetention(name, 2, 'janitor'), [], 'nothing more to retire');
      const retired = (await f.registry.history(name, { limit: 2 })).reverse().map((e) => [e.action, e.from, e.to, e.actor]);
      assert.deepEqual(retired, [['version.retire', '2', null, 'janitor'], ['version.retire', '4', null, 'janitor']]);
      assert.deepEqual(await f.registry.applyRetention(name, 1, 'janitor'), [5]);
    });

    it('pages history newest first with limit and beforeId', async () => {
      const name = freshName();
      await f.registry.createModel(name, null, ANYONE);
      for (const i of [1, 2, 3, 4]) await f.registry.addVersion(name, artifact(`${name}-${i}`), ANYONE);
      const all = await f.registry.history(name);
      assert.equal(all.length, 5);
      assert.deepEqual(all.map((e) => e.id), [...all.map((e) => e.id)].sort((a, b) => b - a));
      const page1 = await f.registry.history(name, { limit: 2 });
      const page2 = await f.registry.history(name, { limit: 2, beforeId: page1[1]?.id });
      const page3 = await f.registry.history(name, { limit: 2, beforeId: page2[1]?.id });
      assert.deepEqual([...page1, ...page2, ...page3], all);
      assert.equal((await f.registry.history(name, { limit: 5000 })).length, 5, 'a limit above 1000 is capped, not refused');
      for (const entry of all) assert.ok(entry.at instanceof Date && entry.model === name);
    });

    it('announces each change on umbral_registry with the model name, and refused ones not at all', async () => {
      const heard: string[] = [];
      const stop = await f.db.listen('umbral_registry', (payload) => heard.push(payload));
      try {
        const refused = freshName('refused');
        const name = freshName();
        await assert.rejects(f.registry.promote(refused, ANYONE));
        await f.registry.createModel(name, null, ANYONE);
        await waitFor(() => heard.includes(name));
        // Other runs may share the server (LISTEN is database-wide), so look only for our names.
        assert.ok(!heard.includes(refused));
      } finally {
        await stop();
      }
    });

    it('keeps audit log rows from being updated or deleted', async () => {
      const name = freshName();
      await f.registry.createModel(name, null, ANYONE);
      const before = await f.registry.history(name);
      await assert.rejects(f.db.query("UPDATE umbral_audit_log SET actor = 'mallory' WHERE model = $1", [name]), /append-only/);
      await assert.rejects(f.db.query('DELETE FROM umbral_audit_log WHERE model = $1', [name]), /append-only/);
      await assert.rejects(f.db.query('TRUNCATE umbral_audit_log'), /append-only/);
      assert.deepEqual(await f.registry.history(name), before);
    });

    refusalContract(get);
    policyContract(get);
  });
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), 'notification did not arrive within 2 s');
}
