import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { PACKAGE_ROOT } from '../paths.js';
import { Errors } from './catalogue.js';

const entries = Object.values(Errors);

it('gives every error a unique UMBRAL_ERR_ code', () => {
  const codes = entries.map((e) => e.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const code of codes) assert.match(code, /^UMBRAL_ERR_[A-Z_]+$/);
});

/** The error reference, relative to the package root. */
const ERRORS_DOC = 'docs/reference/errors.md';

it('documents every code with its status in the error reference', () => {
  const page = readFileSync(join(PACKAGE_ROOT, ERRORS_DOC), 'utf8');
  for (const { code, status } of entries) {
    const row = page.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    assert.ok(row, `${code} is missing from the error table of ${ERRORS_DOC}`);
    // Start-up errors never reach a client as an HTTP answer: the table marks their status '—'.
    assert.ok(row.includes(`| ${status} |`) || row.includes('| — |'), `${code}: ${ERRORS_DOC} status differs from ${status}`);
  }
});

it('hides the message of unexposed 5xx errors and shows 4xx messages', () => {
  assert.equal(Errors.internal('x').exposed, false);
  assert.equal(Errors.backendFailed('m', 'x').exposed, false);
  assert.equal(Errors.modelNotFound('m').exposed, true);
  assert.equal(Errors.queueFull('m', 3, 2).retryAfterSeconds, 2);
});
