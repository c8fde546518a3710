import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { buildEcho } from './build-echo.js';
import { buildHeavyMlp } from './build-heavy-mlp.js';
import { buildSpamClassifier } from './build-spam-classifier.js';
import { writeModel } from './write-model.js';

/** The repository root (this file compiles to <root>/<outDir>/scripts/build-models/build-all.js). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Where the example models go, and where the test fixtures go, relative to a root. */
export const MODELS_DIR = 'models';
export const FIXTURES_DIR = join('test', 'fixtures', 'models');

/** Builds every model under `root` (the repository by default); returns the paths written. */
export async function buildAll(root: string = REPO_ROOT, log: (line: string) => void = () => {}): Promise<string[]> {
  const written: string[] = [];
  const examples = [await buildSpamClassifier(log), buildHeavyMlp()];
  for (const model of examples) written.push(...await writeModel(join(root, MODELS_DIR), model));
  written.push(...await writeModel(join(root, FIXTURES_DIR), buildEcho()));
  return written;
}
