/**
 * FP16 and BF16 elements are stored as their raw 16 bits (a Uint16Array). These read them as
 * numbers; every FP16 and BF16 value is exactly representable as a double.
 */

/** IEEE 754 binary16 bits to their value. */
export function fp16ToNumber(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}

const scratchBits = new Uint32Array(1);
const scratchFloat = new Float32Array(scratchBits.buffer);

/** bfloat16 bits (the high half of an FP32) to their value. */
export function bf16ToNumber(bits: number): number {
  scratchBits[0] = bits << 16;
  return scratchFloat[0] as number;
}
