// Regenerates the README's settings table from the config schema (`npm run docs:settings`).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSettingsTable, replaceSettingsTable } from '../src/config/settings-table.js';
import { PACKAGE_ROOT } from '../src/paths.js';

const readmePath = join(PACKAGE_ROOT, 'README.md');
if (process.argv.includes('--write')) {
  writeFileSync(readmePath, replaceSettingsTable(readFileSync(readmePath, 'utf8')));
  console.log(`updated the settings table in ${readmePath}`);
} else {
  console.log(renderSettingsTable());
}
