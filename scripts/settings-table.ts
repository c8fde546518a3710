// Regenerates the settings table of docs/reference/configuration.md from the config schema (`npm run docs:settings`).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSettingsTable, replaceSettingsTable, SETTINGS_DOC } from '../src/config/settings-table.js';
import { PACKAGE_ROOT } from '../src/paths.js';

const pagePath = join(PACKAGE_ROOT, SETTINGS_DOC);
if (process.argv.includes('--write')) {
  writeFileSync(pagePath, replaceSettingsTable(readFileSync(pagePath, 'utf8')));
  console.log(`updated the settings table in ${pagePath}`);
} else {
  console.log(renderSettingsTable());
}
