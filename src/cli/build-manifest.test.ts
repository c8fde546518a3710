import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelConfigSchema } from '../model/model-config.js';
import { buildManifest, deepMerge } from './build-manifest.js';

const config = modelConfigSchema.parse({
  description: 'spam filter',
  max_batch_size: 64,
  dynamic_batching: { max_queue_delay_microseconds: 1000, preferred_batch_size: [16, 32] },
  output: [{ name: 'probabilities', labels: ['ham', 'spam'] }],
  metadata: {
    dataset: 'SpamAssassin', seed: 1337,
    training: { epochs: 300, learning_rate: 0.05 },
    held_out_metrics: { positive_class: 'spam', accuracy: 0.9859, f1: 0.9776 },
  },
});

describe('buildManifest', () => {
  it('maps model.yaml: description, serving settings, labels, training seed and parameters, metrics', () => {
    const manifest = buildManifest(config);
    assert.equal(manifest.description, 'spam filter');
    assert.deepEqual(manifest.serving, {
      max_batch_size: 64, dynamic_batching: { max_queue_delay_microseconds: 1000, preferred_batch_size: [16, 32] },
    });
    assert.deepEqual(manifest.labels, { probabilities: ['ham', 'spam'] });
    assert.equal(manifest.training?.seed, 1337);
    assert.deepEqual((manifest.training?.parameters as { training?: unknown }).training, { epochs: 300, learning_rate: 0.05 });
    assert.deepEqual(manifest.metrics, { accuracy: 0.9859, f1: 0.9776 });
  });

  it('lets --manifest win, merging objects and replacing everything else', () => {
    const manifest = buildManifest(config, { description: 'better', metrics: { auc: 0.99 }, labels: { probabilities: ['no', 'yes'] } });
    assert.equal(manifest.description, 'better');
    assert.deepEqual(manifest.metrics, { accuracy: 0.9859, f1: 0.9776, auc: 0.99 });
    assert.deepEqual(manifest.labels, { probabilities: ['no', 'yes'] });
  });

  it('builds a manifest from --manifest alone (an .onnx file has no model.yaml)', () => {
    assert.deepEqual(buildManifest(undefined, { description: 'x' }), { description: 'x' });
    assert.deepEqual(buildManifest(undefined), {});
  });

  it('reports every schema problem at once, before anything is sent', () => {
    assert.throws(() => buildManifest(config, { metrics: { accuracy: 'high' }, backend: 'tensorflow', colour: 'red' }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'UMBRAL_ERR_MANIFEST_INVALID');
        for (const path of ['metrics.accuracy', 'backend', 'colour']) assert.match(error.message, new RegExp(path.replace('.', '\\.')));
        return true;
      });
    assert.throws(() => buildManifest(config, ['not', 'an', 'object']), /must hold a JSON object/);
  });
});

describe('deepMerge', () => {
  it('merges nested objects, replaces arrays and scalars, and leaves its inputs alone', () => {
    const base = { a: { b: 1, c: [1, 2] }, d: 1 };
    assert.deepEqual(deepMerge(base, { a: { c: [3] }, d: { e: 1 } }), { a: { b: 1, c: [3] }, d: { e: 1 } });
    assert.deepEqual(base, { a: { b: 1, c: [1, 2] }, d: 1 });
  });
});
