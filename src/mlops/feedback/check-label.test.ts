import assert from 'node:assert/strict';
import { it } from 'node:test';
import { labelProblem } from './check-label.js';

const classifier = { task: { type: 'classification' as const }, rows: 1, classNames: ['ham', 'spam'] };

it('takes a class label or index for a classifier, one per row', () => {
  assert.equal(labelProblem('spam', classifier), undefined);
  assert.equal(labelProblem(1, classifier), undefined);
  assert.equal(labelProblem(['ham'], classifier), undefined);
  assert.equal(labelProblem(['ham', 1], { ...classifier, rows: 2 }), undefined);
  assert.match(labelProblem('eggs', classifier) ?? '', /^a class label \('ham', 'spam'\) or class index \(0 to 1\) \(classification\)$/);
  assert.match(labelProblem(2, classifier) ?? '', /class index/);
  assert.match(labelProblem(0.5, classifier) ?? '', /class index/);
  assert.match(labelProblem('spam', { ...classifier, rows: 2 }) ?? '', /^an array of 2 labels, one per predicted row/);
  assert.match(labelProblem({ class: 'spam' }, classifier) ?? '', /classification/);
  assert.equal(labelProblem('anything', { task: { type: 'classification' }, rows: undefined }), undefined);
  assert.match(labelProblem([], { task: { type: 'classification' }, rows: undefined }) ?? '', /class label/);
});

it('takes a finite number for regression', () => {
  const target = { task: { type: 'regression' as const }, rows: 1 };
  assert.equal(labelProblem(3.5, target), undefined);
  assert.equal(labelProblem([1, 2], { ...target, rows: 2 }), undefined);
  assert.match(labelProblem('3.5', target) ?? '', /^a finite number \(regression\)$/);
  assert.match(labelProblem(null, target) ?? '', /finite number/);
});

it('takes arrays of relevant ids for ranking', () => {
  const target = { task: { type: 'ranking' as const, k: 5 }, rows: 1 };
  assert.equal(labelProblem(['a', 7], target), undefined);
  assert.equal(labelProblem([], target), undefined);
  assert.equal(labelProblem([['a'], [1, 2]], { ...target, rows: 2 }), undefined);
  assert.match(labelProblem('a', target) ?? '', /^an array of the relevant item ids/);
  assert.match(labelProblem([1.5], target) ?? '', /relevant item ids/);
});

it('takes any string, number or array of them when the version declares no task', () => {
  const target = { task: undefined, rows: undefined };
  assert.equal(labelProblem('x', target), undefined);
  assert.equal(labelProblem([['a'], 2], target), undefined);
  assert.match(labelProblem({ a: 1 }, target) ?? '', /declares no task/);
  assert.match(labelProblem(true, target) ?? '', /declares no task/);
});
