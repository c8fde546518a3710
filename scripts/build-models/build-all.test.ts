import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { buildAll, REPO_ROOT } from './build-all.js';

test('rebuilding the models gives byte-identical files to the committed ones', async () => {
  const root = await mkdtemp(join(tmpdir(), 'umbral-models-'));
  try {
    const written = (await buildAll(root)).map((path) => relative(root, path)).sort();
    assert.deepEqual(written, [
      'models/heavy-mlp/1/model.onnx',
      'models/heavy-mlp/model.yaml',
      'models/spam-classifier/1/model.onnx',
      'models/spam-classifier/model.yaml',
      'test/fixtures/models/echo/1/model.onnx',
      'test/fixtures/models/echo/model.yaml',
    ].map((path) => join(...path.split('/'))));
    for (const path of written) {
      const [rebuilt, committed] = await Promise.all([readFile(join(root, path)), readFile(join(REPO_ROOT, path))]);
      assert.ok(rebuilt.equals(committed), `${path} differs from the committed file; run npm run build:models`);
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
