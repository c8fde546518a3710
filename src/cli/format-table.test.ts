import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTable } from './format-table.js';

describe('formatTable', () => {
  it('aligns columns to their widest cell, two spaces apart, without trailing spaces', () => {
    assert.equal(formatTable([['spam', '12', 'champion=3'], ['a-much-longer-name', '1', '-']], ['MODEL', 'LATEST', 'ALIASES']), [
      'MODEL               LATEST  ALIASES',
      'spam                12      champion=3',
      'a-much-longer-name  1       -',
    ].join('\n'));
  });

  it('formats rows without a header and counts characters, not bytes', () => {
    assert.equal(formatTable([['é', 'x'], ['ab', 'y']]), 'é   x\nab  y');
  });

  it('keeps one row on one line when a cell holds newlines or escapes', () => {
    const out = formatTable([['a\nb', '\u001b[31mred']]);
    assert.equal(out.split('\n').length, 1);
    assert.ok(!out.includes('\u001b'), 'no escape character left');
  });

  it('gives an empty string for no rows and no header', () => {
    assert.equal(formatTable([]), '');
  });
});
