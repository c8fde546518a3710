import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Errors } from '../../../src/errors/catalogue.js';
import { CHALLENGER, CHAMPION, PREVIOUS } from '../../../src/registry/registry.js';
import { artifact, assertRefused, freshName, MANIFEST, type RegistryFixture } from './registry-test-kit.js';

const WHO = 'tester';

/**
 * Bad requests: each must fail with its catalogue code and leave models, versions, tags, aliases and
 * the audit log exactly as they were. Runs inside registryContract, on its fixture.
 */
export function refusalContract(fixture: () => RegistryFixture): void {
  describe('refuses bad requests and changes nothing', () => {
    let f: RegistryFixture;
    // A model with versions 1 (champion), 2 (deleted) and 3, and no challenger or previous.
    let m: string;
    const absent = 'no-such-model';

    before(async () => {
      f = fixture();
      m = freshName('refusals');
      for (const i of [1, 2, 3]) await f.registry.addVersion(m, artifact(`${m}-${i}`), WHO);
      await f.registry.setAlias(m, CHAMPION, 1, WHO);
      await f.registry.deleteVersion(m, 2, WHO);
    });

    const refused = (attempt: () => Promise<unknown>, code: string) => assertRefused(f, attempt, code);

    it('unknown model', async () => {
      const code = Errors.modelNotFound.code;
      await refused(() => f.registry.setAlias(absent, 'stable', 1, WHO), code);
      await refused(() => f.registry.deleteAlias(absent, 'stable', WHO), code);
      await refused(() => f.registry.promote(absent, WHO), code);
      await refused(() => f.registry.rollback(absent, WHO), code);
      await refused(() => f.registry.tag(absent, 1, 'x', WHO), code);
      await refused(() => f.registry.untag(absent, 1, 'x', WHO), code);
      await refused(() => f.registry.deleteVersion(absent, 1, WHO), code);
      await refused(() => f.registry.applyRetention(absent, 1, WHO), code);
      await refused(() => f.registry.listVersions(absent), code);
      await refused(() => f.registry.history(absent), code);
    });

    it('unknown or deleted version', async () => {
      const code = Errors.versionNotFound.code;
      for (const version of [99, 2, 0, -1, 1.5, 2 ** 40]) {
        await refused(() => f.registry.setAlias(m, 'stable', version, WHO), code);
        await refused(() => f.registry.tag(m, version, 'x', WHO), code);
        await refused(() => f.registry.untag(m, version, 'x', WHO), code);
        await refused(() => f.registry.deleteVersion(m, version, WHO), code);
      }
    });

    it('unknown alias', async () => {
      await refused(() => f.registry.deleteAlias(m, 'stable', WHO), Errors.aliasNotFound.code);
    });

    it('duplicate artifact', async () => {
      await refused(() => f.registry.addVersion(m, artifact(`${m}-3`), WHO), Errors.duplicateVersion.code);
    });

    it('deleting an aliased version', async () => {
      await refused(() => f.registry.deleteVersion(m, 1, WHO), Errors.versionAliased.code);
    });

    it('invalid model, alias and tag names', async () => {
      const code = Errors.invalidName.code;
      for (const bad of ['', '-lead', '.hidden', 'a/b', 'a b', 'é', 'x'.repeat(129), '../etc']) {
        await refused(() => f.registry.createModel(bad, null, WHO), code);
        await refused(() => f.registry.addVersion(bad, artifact(`${m}-bad`), WHO), code);
        await refused(() => f.registry.setAlias(m, bad, 1, WHO), code);
        await refused(() => f.registry.tag(m, 1, bad, WHO), code);
        await refused(() => f.registry.addVersion(m, artifact(`${m}-bad`, [bad]), WHO), code);
      }
    });

    it('all-digit alias names', async () => {
      for (const digits of ['1', '42', '007']) {
        await refused(() => f.registry.setAlias(m, digits, 1, WHO), Errors.invalidName.code);
      }
    });

    it('promote without a challenger, rollback without a previous', async () => {
      await refused(() => f.registry.promote(m, WHO), Errors.nothingToPromote.code);
      await refused(() => f.registry.rollback(m, WHO), Errors.nothingToPromote.code);
    });

    it('an existing model, a bad manifest, artifact or retention count', async () => {
      await refused(() => f.registry.createModel(m, null, WHO), Errors.modelExists.code);
      const fresh = freshName('never-created');
      const badManifest = { ...MANIFEST, backend: 'tensorflow' } as unknown as typeof MANIFEST;
      await refused(() => f.registry.addVersion(fresh, { ...artifact(fresh), manifest: badManifest }, WHO),
        Errors.manifestInvalid.code);
      await refused(() => f.registry.addVersion(fresh, { ...artifact(fresh), artifactSha256: 'ABC' }, WHO),
        Errors.invalidRequest.code);
      await refused(() => f.registry.addVersion(fresh, { ...artifact(fresh), artifactSize: -1 }, WHO),
        Errors.invalidRequest.code);
      await refused(() => f.registry.applyRetention(m, 0, WHO), Errors.invalidRequest.code);
      await refused(() => f.registry.history(m, { limit: 0 }), Errors.invalidRequest.code);
    });

    it('leaves the model usable afterwards', async () => {
      await f.registry.setAlias(m, CHALLENGER, 3, WHO);
      assert.deepEqual((await f.registry.promote(m, WHO)).aliases, { [CHAMPION]: 3, [PREVIOUS]: 1 });
    });
  });
}
