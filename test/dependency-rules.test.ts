import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { PACKAGE_ROOT } from '../src/paths.js';
import { testTempDir } from './helpers/temp-dir.js';

const DEPCRUISE = join(PACKAGE_ROOT, 'node_modules', '.bin', 'depcruise');

/** Runs the project's dependency rules on a tree of the given files; resolves depcruise's exit code and report. */
function cruise(files: Readonly<Record<string, string>>): { code: number; report: string } {
  const dir = testTempDir('umbral-layers-');
  try {
    cpSync(join(PACKAGE_ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    try {
      const report = execFileSync(DEPCRUISE, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return { code: 0, report };
    } catch (error) {
      const failed = error as { status: number; stdout: string };
      return { code: failed.status, report: failed.stdout };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

it('refuses an import of a layer above (the data plane reaching into the server), and accepts one below', () => {
  const upward = cruise({
    'src/server/build-app.ts': 'export const app = 1;\n',
    'src/inference/host.ts': "import { app } from '../server/build-app.js';\nexport const host = app;\n",
  });
  assert.notEqual(upward.code, 0);
  assert.match(upward.report, /layer-inference: src\/inference\/host\.ts → src\/server\/build-app\.ts/);
  const downward = cruise({
    'src/inference/host.ts': 'export const host = 1;\n',
    'src/server/build-app.ts': "import { host } from '../inference/host.js';\nexport const app = host;\n",
  });
  assert.equal(downward.code, 0, downward.report);
});

it('holds for the whole tree', () => {
  const report = execFileSync(DEPCRUISE, ['src', 'test', 'bench', 'scripts', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
  assert.match(report, /no dependency violations found/);
});
