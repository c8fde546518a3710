import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { PACKAGE_ROOT } from '../paths.js';
import { SETTINGS } from './schema.js';
import { flattenSettings } from './setting.js';
import { renderSettingsTable, SETTINGS_DOC } from './settings-table.js';

it('the settings table of the configuration reference is the one the schema renders (npm run docs:settings)', () => {
  const page = readFileSync(join(PACKAGE_ROOT, SETTINGS_DOC), 'utf8');
  assert.ok(page.includes(renderSettingsTable()), `the settings table in ${SETTINGS_DOC} is stale: run npm run docs:settings`);
});

it('every setting has an UMBRAL_ environment variable of its own and a meaning', () => {
  const leaves = flattenSettings(SETTINGS);
  const envs = leaves.map(([, spec]) => spec.env);
  assert.equal(new Set(envs).size, envs.length);
  for (const [key, spec] of leaves) {
    // DATABASE_URL and REDIS_URL keep the names every platform already sets.
    assert.match(spec.env, /^(UMBRAL_[A-Z0-9_]+|DATABASE_URL|REDIS_URL)$/, key);
    assert.ok(spec.doc.length > 10, `${key} needs a meaning`);
  }
});
