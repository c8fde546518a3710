import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { applyVersionPolicy, readModelRepository } from './model-repository.js';
import { testTempDir } from '../../test/helpers/temp-dir.js';

function repository(files: Record<string, string>): string {
  const root = testTempDir('umbral-repo-');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe('readModelRepository', () => {
  it('finds models and their numbered versions, latest first, with defaults when model.yaml is absent', () => {
    const root = repository({ 'a/1/model.onnx': 'x', 'a/3/model.onnx': 'x', 'a/2/model.onnx': 'x', 'a/notes/readme': 'x' });
    const [model] = readModelRepository(root);
    assert.equal(model?.name, 'a');
    assert.equal(model?.problem, undefined);
    assert.deepEqual(model?.versions.map((v) => v.version), ['3'], 'latest 1 by default');
    assert.equal(model?.config?.max_batch_size, 0);
    assert.equal(model?.config?.backend, 'onnx');
  });

  it('applies the version policy from model.yaml', () => {
    const root = repository({
      'a/model.yaml': 'version_policy: { all: {} }', 'a/1/model.onnx': 'x', 'a/2/model.onnx': 'x',
      'b/model.yaml': 'version_policy: { specific: { versions: [1] } }', 'b/1/model.onnx': 'x', 'b/2/model.onnx': 'x',
    });
    const [a, b] = readModelRepository(root);
    assert.deepEqual(a?.versions.map((v) => v.version), ['2', '1']);
    assert.deepEqual(b?.versions.map((v) => v.version), ['1']);
  });

  it('reports a broken model.yaml or a model without versions instead of throwing', () => {
    const root = repository({
      'bad/model.yaml': 'max_batch_size: [', 'bad/1/model.onnx': 'x',
      'typo/model.yaml': 'max_batchsize: 4', 'typo/1/model.onnx': 'x',
      'empty/model.yaml': '',
      'none/model.yaml': 'version_policy: { specific: { versions: [9] } }', 'none/1/model.onnx': 'x',
    });
    const byName = Object.fromEntries(readModelRepository(root).map((m) => [m.name, m]));
    assert.match(byName.bad?.problem ?? '', /not valid YAML/);
    assert.match(byName.typo?.problem ?? '', /max_batchsize/);
    assert.match(byName.empty?.problem ?? '', /no version directory/);
    assert.match(byName.none?.problem ?? '', /selects none/);
  });

  it('reads a cache section with its defaults, and names what is wrong in a bad one', () => {
    const root = repository({
      'a/model.yaml': 'cache: { ttl_seconds: 60 }', 'a/1/model.onnx': 'x',
      'b/model.yaml': 'cache: { ttl_seconds: 0, scope: everyone }', 'b/1/model.onnx': 'x',
      'c/model.yaml': 'cache: { max_entries: 5000000 }', 'c/1/model.onnx': 'x',
    });
    const byName = Object.fromEntries(readModelRepository(root).map((m) => [m.name, m]));
    assert.deepEqual(byName.a?.config?.cache, {
      enabled: true, ttl_seconds: 60, max_entries: 10_000, max_bytes: 64 * 1024 ** 2, scope: 'shared', llm: 'deterministic', stale_if_error_seconds: 0,
    });
    assert.match(byName.b?.problem ?? '', /cache\.ttl_seconds/);
    assert.match(byName.b?.problem ?? '', /cache\.scope/);
    assert.match(byName.c?.problem ?? '', /cache\.max_entries/);
  });

  it('refuses a repository that is not a directory', () => {
    assert.throws(() => readModelRepository('/nonexistent/models'), /not a directory/);
  });
});

describe('applyVersionPolicy', () => {
  it('keeps the latest N, all, or specific versions', () => {
    assert.deepEqual(applyVersionPolicy([5, 3, 1], { latest: { num_versions: 2 } }), [5, 3]);
    assert.deepEqual(applyVersionPolicy([5, 3, 1], { all: {} }), [5, 3, 1]);
    assert.deepEqual(applyVersionPolicy([5, 3, 1], { specific: { versions: [1, 4] } }), [1]);
  });
});
