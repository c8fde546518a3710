import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progressBar } from './progress-bar.js';

function recorder(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, write: (text: string) => writes.push(text) }, writes };
}

describe('progressBar', () => {
  it('redraws one line with \\r, percent and MB on a terminal, and ends it', () => {
    const { stream, writes } = recorder(true);
    const bar = progressBar('uploading', 4_000_000, stream);
    bar.advance(1_000_000);
    bar.advance(3_000_000);
    bar.finish();
    assert.equal(writes[0], `\ruploading [${'.'.repeat(24)}]   0%  0.0/4.0 MB`);
    assert.equal(writes.at(-2), `\ruploading [${'#'.repeat(24)}] 100%  4.0/4.0 MB`);
    assert.equal(writes.at(-1), '\n');
  });

  it('writes nothing on a pipe', () => {
    const { stream, writes } = recorder(false);
    const bar = progressBar('uploading', 10, stream);
    bar.advance(10);
    bar.finish();
    assert.deepEqual(writes, []);
  });
});
