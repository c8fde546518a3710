import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Database } from '../../../src/store/database.js';
import { manifestSchema, type Manifest } from '../../../src/model/manifest.js';
import type { Registry } from '../../../src/registry/registry.js';

/** A registry under test and the database beneath it (for what the interface cannot show). */
export interface RegistryFixture {
  /** The registry under test, over `db`. */
  readonly registry: Registry;
  /** A database migrated for this run only. */
  readonly db: Database;
  /** Closes the database and removes what the run created. */
  dispose(): Promise<void>;
}

/** The smallest valid manifest. */
export const MANIFEST: Manifest = manifestSchema.parse({});

/** A distinct artifact address for each `n`. */
export function sha(n: number | string): string {
  return createHash('sha256').update(String(n)).digest('hex');
}

/** An artifact for `addVersion`. */
export function artifact(n: number | string, tags?: string[]) {
  return { artifactSha256: sha(n), artifactSize: 100, manifest: MANIFEST, ...(tags ? { tags } : {}) };
}

let counter = 0;

/** A model name no other test uses. */
export function freshName(prefix = 'm'): string {
  counter += 1;
  return `${prefix}-${counter}-${Date.now().toString(36)}`;
}

const TABLES = {
  umbral_models: 'name',
  umbral_versions: 'model, version',
  umbral_version_tags: 'model, version, tag',
  umbral_aliases: 'model, alias',
  umbral_audit_log: 'id',
} as const;

/** Every row of every registry table, and the models as the interface shows them, to compare before and after. */
export async function snapshot(f: RegistryFixture): Promise<unknown> {
  const tables: Record<string, unknown> = {};
  for (const [table, order] of Object.entries(TABLES)) tables[table] = await f.db.query(`SELECT * FROM ${table} ORDER BY ${order}`);
  return { models: await f.registry.listModels(), tables };
}

/** Asserts that `attempt` fails with the catalogue error `code` and leaves the registry exactly as it was. */
export async function assertRefused(f: RegistryFixture, attempt: () => Promise<unknown>, code: string): Promise<void> {
  const before = await snapshot(f);
  await assert.rejects(attempt, (error: { code?: string; message?: string }) => {
    assert.equal(error.code, code, error.message);
    return true;
  });
  assert.deepEqual(await snapshot(f), before, `a refused ${code} changed the registry`);
}
