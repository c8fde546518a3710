import assert from 'node:assert/strict';
import { it } from 'node:test';
import { findTooDeep, MAX_JSON_DEPTH } from './json-depth.js';

const nested = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}1${']'.repeat(depth)}`);

it('finds the first array or object nested deeper than the limit, by its path', () => {
  assert.equal(findTooDeep({ a: [1, { b: 'x' }] }, 'body', 3), undefined);
  assert.equal(findTooDeep({ a: [1, { b: [] }] }, 'body', 3), 'body.a[1].b');
  assert.equal(findTooDeep('text', 'body', 0), undefined, 'a scalar has no depth');
  assert.equal(findTooDeep(nested(MAX_JSON_DEPTH), 'body'), undefined);
  assert.match(findTooDeep({ x: nested(MAX_JSON_DEPTH) }, 'body') ?? '', /^body\.x(\[0\]){63}$/);
  assert.equal(findTooDeep({ messages: [{ content: [[]] }] }, '', 3), 'messages[0].content');
});

it('walks 100k levels, which JSON.parse accepts, without overflowing the stack', () => {
  assert.ok(findTooDeep(nested(100_000), 'body') !== undefined);
});
