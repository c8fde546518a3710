import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Tensor } from '../../protocol/tensor.js';
import { extractFeatures } from './extract-features.js';
import { summarizePrediction, taskOf } from './summarize-prediction.js';

const probabilities: Tensor = { name: 'p', datatype: 'FP32', shape: [2, 2], data: new Float32Array([0.2, 0.8, 0.9, 0.1]) };

describe('summarizePrediction', () => {
  it('takes the arg-max class of each row, named by the manifest labels', () => {
    const task = taskOf({ labels: { p: ['ham', 'spam'] } });
    assert.deepEqual(task, { type: 'classification', output: 'p' });
    const rows = summarizePrediction(task!, [probabilities], { p: ['ham', 'spam'] });
    assert.deepEqual(rows?.map((r) => 'class' in r && r.class), ['spam', 'ham']);
    assert.ok(rows?.[0] && 'score' in rows[0] && Math.abs(rows[0].score - 0.8) < 1e-6);
  });

  it('reads the top class of Triton classification strings ("score:index:label"), with or without a label', () => {
    const top: Tensor = { name: 'p', datatype: 'BYTES', shape: [2, 1], data: ['0.97:1:spam', '0.6:0'] };
    assert.deepEqual(summarizePrediction({ type: 'classification', output: 'p' }, [top], {}), [{ class: 'spam', score: 0.97 }, { class: 0, score: 0.6 }]);
    const other: Tensor = { name: 'p', datatype: 'BYTES', shape: [1], data: ['not a class'] };
    assert.equal(summarizePrediction({ type: 'classification' }, [other], {}), undefined);
  });

  it('gives regression values and ranked ids', () => {
    const values: Tensor = { name: 'y', datatype: 'FP64', shape: [2, 1], data: new Float64Array([1.5, -2]) };
    assert.deepEqual(summarizePrediction({ type: 'regression' }, [values], {}), [{ value: 1.5 }, { value: -2 }]);
    const ids: Tensor = { name: 'items', datatype: 'INT64', shape: [1, 4], data: new BigInt64Array([7n, 3n, 9n, 1n]) };
    assert.deepEqual(summarizePrediction({ type: 'ranking', k: 3 }, [ids], {}), [{ ranked: [7, 3, 9] }]);
  });

  it('has no task without a declared one or labels', () => {
    assert.equal(taskOf({ labels: {} }), undefined);
  });
});

describe('extractFeatures', () => {
  it('takes numeric columns, text length and tokens, and the prediction, never the text itself', () => {
    const x: Tensor = { name: 'x', datatype: 'FP32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) };
    const text: Tensor = { name: 't', datatype: 'BYTES', shape: [1], data: ['two words'] };
    const features = extractFeatures([x, text], [{ class: 'spam', score: 0.9 }], ['ham', 'spam']);
    assert.deepEqual(features, {
      'x[0]': [1, 3], 'x[1]': [2, 4], 't.length': [9], 't.tokens': [2], 'output.class': [1], 'output.score': [features['output.score']?.[0] ?? 0],
    });
    assert.ok(!JSON.stringify(features).includes('words'));
  });
});

describe('extractLlmFeatures', () => {
  it('measures the text a call sends and the tokens its answer used, never the text', async () => {
    const { extractLlmFeatures } = await import('./extract-features.js');
    const chat = { messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: [{ type: 'text', text: 'hello there' }] }] };
    assert.deepEqual(extractLlmFeatures(chat, { usage: { completion_tokens: 7 } }), {
      'prompt.length': ['be brief\nhello there'.length], 'prompt.tokens': [4], 'completion.tokens': [7],
    });
    assert.deepEqual(extractLlmFeatures({ input: 'embed me' }, null), { 'prompt.length': [8], 'prompt.tokens': [2] });
    assert.deepEqual(extractLlmFeatures('not an object', null), {});
  });
});
