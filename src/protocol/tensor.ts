import type { Datatype } from './kserve/datatypes.js';

/**
 * One BYTES element: a string when its bytes are valid UTF-8 (text, the common case), else the bytes
 * themselves (an image, audio). The form is canonical, never a choice: bytes that are valid UTF-8
 * are always a string (`bytesElement` in kserve/raw-contents.ts makes elements), so equal bytes are
 * equal elements and one cache key. Backends that need text (ONNX string tensors) refuse the bytes
 * form; remote backends pass it through unchanged.
 */
export type BytesElement = string | Uint8Array;

/** Storage of the numeric datatypes: the typed array of their width. */
export type NumericData =
  | Uint8Array | Uint16Array | Uint32Array | BigUint64Array
  | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Float32Array | Float64Array;

/**
 * Element storage for a tensor, row-major and flat. Numeric datatypes use the typed array of their
 * width (BOOL is a Uint8Array of 0/1, INT64 a BigInt64Array); BYTES is an array of BytesElement.
 */
export type TensorData = NumericData | BytesElement[];

/** Whether a BYTES tensor holds an element that is not UTF-8 text (so JSON and ONNX cannot carry it). */
export function hasBinaryElement(data: TensorData): boolean {
  return Array.isArray(data) && data.some((element) => typeof element !== 'string');
}

/** A named tensor as it travels between the protocol codecs, the data plane and the backends. */
export interface Tensor {
  readonly name: string;
  readonly datatype: Datatype;
  readonly shape: readonly number[];
  readonly data: TensorData;
}

/** Product of the dimensions: the number of elements a shape holds. */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

/** Allocates flat storage of `length` elements for a datatype. */
export function allocateData(datatype: Datatype, length: number): TensorData {
  switch (datatype) {
    case 'BOOL': case 'UINT8': return new Uint8Array(length);
    case 'UINT16': return new Uint16Array(length);
    case 'UINT32': return new Uint32Array(length);
    case 'UINT64': return new BigUint64Array(length);
    case 'INT8': return new Int8Array(length);
    case 'INT16': return new Int16Array(length);
    case 'INT32': return new Int32Array(length);
    case 'INT64': return new BigInt64Array(length);
    case 'FP32': return new Float32Array(length);
    case 'FP64': return new Float64Array(length);
    case 'BYTES': return new Array<BytesElement>(length).fill('');
    case 'FP16': case 'BF16': return new Uint16Array(length);
  }
}
