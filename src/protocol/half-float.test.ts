import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bf16ToNumber, fp16ToNumber } from './half-float.js';

describe('fp16ToNumber', () => {
  it('reads normals, subnormals, zeros, infinities and NaN', () => {
    assert.equal(fp16ToNumber(0x3c00), 1);
    assert.equal(fp16ToNumber(0x3555), 0.333251953125);
    assert.equal(fp16ToNumber(0x7bff), 65504);
    assert.equal(fp16ToNumber(0x0400), 2 ** -14);
    assert.equal(fp16ToNumber(0x03ff), 1023 * 2 ** -24);
    assert.equal(fp16ToNumber(0x0001), 2 ** -24);
    assert.ok(Object.is(fp16ToNumber(0x8000), -0));
    assert.equal(fp16ToNumber(0xfc00), -Infinity);
    assert.ok(Number.isNaN(fp16ToNumber(0x7e00)));
  });
});

describe('bf16ToNumber', () => {
  it('reads the high half of an FP32', () => {
    assert.equal(bf16ToNumber(0x3f80), 1);
    assert.equal(bf16ToNumber(0xc2f7), -123.5);
    assert.equal(bf16ToNumber(0x7f80), Infinity);
    assert.ok(Object.is(bf16ToNumber(0x8000), -0));
    assert.ok(Number.isNaN(bf16ToNumber(0x7fc1)));
  });
});
