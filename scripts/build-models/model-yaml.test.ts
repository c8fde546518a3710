import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { modelConfigSchema } from '../../src/model/model-config.js';
import { FIXTURES_DIR, MODELS_DIR, REPO_ROOT } from './build-all.js';

async function modelYamls(repository: string): Promise<string[]> {
  const entries = await readdir(join(REPO_ROOT, repository), { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => join(repository, e.name, 'model.yaml'));
}

test('every committed model.yaml parses with the model config schema', async () => {
  const files = [...await modelYamls(MODELS_DIR), ...await modelYamls(FIXTURES_DIR)];
  for (const name of ['models/spam-classifier', 'models/heavy-mlp', 'test/fixtures/models/echo']) {
    assert.ok(files.includes(join(name, 'model.yaml')), `${name}/model.yaml is missing`);
  }
  for (const file of files) {
    const result = modelConfigSchema.safeParse(parse(await readFile(join(REPO_ROOT, file), 'utf8')));
    assert.ok(result.success, `${file}: ${result.error?.message}`);
  }
});

test('the spam classifier records its held-out metrics', async () => {
  const yaml = await readFile(join(REPO_ROOT, MODELS_DIR, 'spam-classifier', 'model.yaml'), 'utf8');
  const config = modelConfigSchema.parse(parse(yaml));
  const metrics = config.metadata['held_out_metrics'] as { accuracy: number; true_positives: number };
  assert.ok(metrics.accuracy >= 0.95, `held-out accuracy ${metrics.accuracy}`);
  assert.ok(metrics.true_positives > 0);
  assert.deepEqual(config.output, [{ name: 'probabilities', labels: ['ham', 'spam'] }]);
});
