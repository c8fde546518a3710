import assert from 'node:assert/strict';
import { it } from 'node:test';
import { findUnstorableText } from './unstorable-text.js';

it('finds NUL and unpaired surrogates in values and keys, naming the path', () => {
  assert.equal(findUnstorableText({ name: 'ok', tags: ['a', '🙂', 'ünïcode'], n: 1, b: null }, 'body'), undefined);
  assert.deepEqual(findUnstorableText({ description: 'a\u0000b' }, 'body')?.path, 'body.description');
  assert.match(findUnstorableText({ description: 'a\u0000b' }, 'body')?.problem ?? '', /U\+0000 \(NUL\)/);
  assert.equal(findUnstorableText({ models: ['x', 'y\ud800'] }, 'body')?.path, 'body.models[1]');
  assert.match(findUnstorableText(['\udfff'], 'manifest')?.problem ?? '', /unpaired UTF-16 surrogate \(\\udfff\)/);
  assert.equal(findUnstorableText({ a: { 'k\u0000': 1 } }, 'body')?.path, 'body.a (a key)');
  assert.equal(findUnstorableText('\ud83d\ude42', 'body'), undefined, 'a surrogate pair is one character');
});

it('reports the first problem in document order', () => {
  assert.equal(findUnstorableText({ a: ['\u0000'], b: '\u0000' }, 'body')?.path, 'body.a[0]');
});

it('walks nesting deeper than the call stack would allow', () => {
  let deep: unknown = 'x\u0000';
  for (let i = 0; i < 200_000; i++) deep = [deep];
  assert.match(findUnstorableText(deep, 'body')?.path ?? '', /^body(\[0\]){200000}$/);
});
