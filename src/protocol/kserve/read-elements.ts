import type { Datatype } from './datatypes.js';
import type { BytesElement, TensorData } from '../tensor.js';

/** Datatypes whose elements JSON can carry (FP16 and BF16 need the binary form). */
export type JsonDatatype = Exclude<Datatype, 'FP16' | 'BF16'>;

/**
 * Element rules, chosen against Triton's JSON reader (`http_server.cc`, ReadDataFromJsonHelper),
 * which the protocol leaves to the server ("coerce … or return an error"):
 * - BOOL: only `true` / `false`, as Triton; 0 and 1 are refused so that a client sending numbers for
 *   a BOOL input learns of its mistake instead of having it guessed.
 * - Integers: a JSON number that is an integer within the type's range. JSON.parse cannot tell `1.0`
 *   from `1`, so `1.0` is accepted where Triton refuses it. Out of range is refused (Triton truncates).
 * - INT64 / UINT64: a safe integer number (|n| ≤ 2^53 - 1: JSON.parse has already rounded anything
 *   larger, so it is refused rather than silently altered), or, as an umbral extension, a decimal
 *   string of up to 20 digits for the full 64-bit range.
 * - FP32 / FP64: a finite number; FP32 also refuses magnitudes that would round to infinity.
 *   (JSON has no NaN; 1e309 parses to Infinity and is refused.)
 * - BYTES: a string that is Unicode text, sent on as its UTF-8 bytes. A JSON string with an unpaired
 *   surrogate escape (`"\ud800"`) has no UTF-8 form: it is refused rather than altered to U+FFFD on
 *   its way to the model. Bytes that are not text (an image) travel in the binary extension or gRPC.
 */
export const EXPECTED_ELEMENT: Readonly<Record<JsonDatatype, string>> = {
  BOOL: 'true or false',
  UINT8: 'an integer in [0, 255]',
  UINT16: 'an integer in [0, 65535]',
  UINT32: 'an integer in [0, 4294967295]',
  UINT64: 'an integer in [0, 9007199254740991], or a decimal string up to 18446744073709551615',
  INT8: 'an integer in [-128, 127]',
  INT16: 'an integer in [-32768, 32767]',
  INT32: 'an integer in [-2147483648, 2147483647]',
  INT64: 'an integer in [-9007199254740991, 9007199254740991], or a decimal string in [-9223372036854775808, 9223372036854775807]',
  FP32: 'a finite number within FP32 range (|x| ≤ 3.4028234663852886e38)',
  FP64: 'a finite number',
  BYTES: 'a string of Unicode text (BYTES elements are UTF-8, which has no form for an unpaired surrogate such as \\ud800)',
};

/** Smallest magnitude that rounds to ±Infinity in FP32: 2^128 - 2^103 (halfway past the largest float). */
const FP32_OVERFLOW = 3.4028235677973366e38;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const INT64_STRING = /^-?[0-9]{1,20}$/;
/** A surrogate not paired as UTF-16 requires (the `u` flag reads a pair as one code point). */
const UNPAIRED_SURROGATE = /\p{Surrogate}/u;

/**
 * Writes the JSON elements of `row` into `target` from `offset`, checking each against the datatype.
 * Returns -1 when all fit, or the position in `row` of the first that does not. One loop per
 * datatype, no closure or allocation per element: this is the request hot path.
 */
export function readElements(datatype: JsonDatatype, target: TensorData, row: readonly unknown[], offset: number): number {
  switch (datatype) {
    case 'FP32': return readFloat32(target as Float32Array, row, offset);
    case 'FP64': return readFloat64(target as Float64Array, row, offset);
    case 'INT32': return readInt32(target as Int32Array, row, offset);
    case 'INT64': return readBigInt(target as BigInt64Array, row, offset, INT64_MIN, INT64_MAX);
    case 'UINT64': return readBigInt(target as BigUint64Array, row, offset, 0n, UINT64_MAX);
    case 'INT8': return readSmallInteger(target as Int8Array, row, offset, -128, 127);
    case 'INT16': return readSmallInteger(target as Int16Array, row, offset, -32768, 32767);
    case 'UINT8': return readSmallInteger(target as Uint8Array, row, offset, 0, 255);
    case 'UINT16': return readSmallInteger(target as Uint16Array, row, offset, 0, 65535);
    case 'UINT32': return readSmallInteger(target as Uint32Array, row, offset, 0, 4294967295);
    case 'BOOL': return readBool(target as Uint8Array, row, offset);
    case 'BYTES': return readStrings(target as BytesElement[], row, offset);
  }
}

function readFloat32(target: Float32Array, row: readonly unknown[], offset: number): number {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (typeof v !== 'number' || !(v < FP32_OVERFLOW && v > -FP32_OVERFLOW)) return i;
    target[offset + i] = v;
  }
  return -1;
}

function readFloat64(target: Float64Array, row: readonly unknown[], offset: number): number {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (typeof v !== 'number' || v - v !== 0) return i;
    target[offset + i] = v;
  }
  return -1;
}

function readInt32(target: Int32Array, row: readonly unknown[], offset: number): number {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (typeof v !== 'number' || (v | 0) !== v) return i;
    target[offset + i] = v;
  }
  return -1;
}

type SmallIntegerArray = Int8Array | Int16Array | Uint8Array | Uint16Array | Uint32Array;

function readSmallInteger(target: SmallIntegerArray, row: readonly unknown[], offset: number, min: number, max: number): number {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (typeof v !== 'number' || !(v >= min && v <= max && Math.floor(v) === v)) return i;
    target[offset + i] = v;
  }
  return -1;
}

function readBigInt(target: BigInt64Array | BigUint64Array, row: readonly unknown[], offset: number, min: bigint, max: bigint): number {
  const unsigned = min === 0n;
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v) || (unsigned && v < 0)) return i;
      target[offset + i] = BigInt(v);
    } else if (typeof v === 'string' && INT64_STRING.test(v)) {
      const n = BigInt(v);
      if (n < min || n > max) return i;
      target[offset + i] = n;
    } else {
      return i;
    }
  }
  return -1;
}

function readBool(target: Uint8Array, row: readonly unknown[], offset: number): number {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (v === true) target[offset + i] = 1;
    else if (v === false) target[offset + i] = 0;
    else return i;
  }
  return -1;
}

function readStrings(target: BytesElement[], row: readonly unknown[], offset: number): number {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (typeof v !== 'string' || UNPAIRED_SURROGATE.test(v)) return i;
    target[offset + i] = v;
  }
  return -1;
}
