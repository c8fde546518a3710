import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isUmbralError } from '../../errors/umbral-error.js';
import { manifestSchema } from '../../model/manifest.js';
import { readReferenceDataset } from './read-reference-dataset.js';

const manifest = manifestSchema.parse({
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }, { name: 't', datatype: 'BYTES', shape: [-1] }],
  outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 2] }],
  labels: { probabilities: ['ham', 'spam'] },
});
const limits = { maxElements: 1000, valuesPerFeature: 10_000 };
const line = (x: number[], text?: string, outputs?: number[]) => JSON.stringify({
  inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 2], data: x }, ...(text === undefined ? [] : [{ name: 't', datatype: 'BYTES', shape: [1], data: [text] }])],
  ...(outputs ? { outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [1, 2], data: outputs }] } : {}),
});

async function refusal(text: string): Promise<string> {
  const error = await readReferenceDataset(text, 'm', manifest, limits).then(() => undefined, (e: unknown) => e);
  assert.ok(isUmbralError(error), `refused: ${String(error)}`);
  assert.equal(error.code, 'UMBRAL_ERR_REFERENCE_INVALID');
  return error.message;
}

describe('readReferenceDataset', () => {
  it('makes a sample per feature from input lines, skipping blank lines', async () => {
    const text = `${line([1, 10], 'hello big world')}\n\n${line([2, 20])}\n`;
    const sample = await readReferenceDataset(text, 'm', manifest, limits);
    assert.equal(sample.rows, 2);
    assert.deepEqual(sample.features, { 't.length': [15], 't.tokens': [3], 'x[0]': [1, 2], 'x[1]': [10, 20] });
  });

  it('takes the outputs of a line as the prediction: the class and its score', async () => {
    const sample = await readReferenceDataset(line([1, 2], undefined, [0.2, 0.8]), 'm', manifest, limits);
    assert.deepEqual(sample.features['output.class'], [1]);
    assert.ok(Math.abs((sample.features['output.score']?.[0] ?? 0) - 0.8) < 1e-6);
  });

  it('keeps at most the configured values per feature', async () => {
    const text = Array.from({ length: 300 }, (_, i) => line([i, i])).join('\n');
    const sample = await readReferenceDataset(text, 'm', manifest, { ...limits, valuesPerFeature: 100 });
    assert.equal(sample.rows, 300);
    assert.equal(sample.features['x[0]']?.length, 100);
    assert.deepEqual(sample, await readReferenceDataset(text, 'm', manifest, { ...limits, valuesPerFeature: 100 }), 'the same sample each time');
  });

  it('refuses, naming the line, what is not JSON, not an infer request, or not the version\'s inputs', async () => {
    assert.match(await refusal(`${line([1, 2])}\n{"inputs": [`), /line 2: not JSON/);
    assert.match(await refusal('{"rows": []}'), /line 1: inputs: must be a non-empty array/);
    assert.match(await refusal('{"inputs": [{"name": "x", "datatype": "FP32", "shape": [1, 2], "data": [1]}]}'), /line 1: x: .*2.*1/);
    assert.match(await refusal('{"inputs": [{"name": "z", "datatype": "FP32", "shape": [1], "data": [1]}]}'), /line 1: input 'z' is not an input of model 'm'; its inputs are: x, t/);
    assert.match(await refusal('{"inputs": [{"name": "x", "datatype": "INT64", "shape": [1, 2], "data": [1, 2]}]}'), /datatype must be FP32, got INT64/);
    assert.match(await refusal('\n\n'), /no line/);
  });

  it('refuses outputs for a version without a task or labels', async () => {
    const plain = manifestSchema.parse({ inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }] });
    const error = await readReferenceDataset(line([1, 2], undefined, [0.1, 0.9]), 'm', plain, limits).catch((e: Error) => e);
    assert.match((error as Error).message, /declare a task/);
  });
});
