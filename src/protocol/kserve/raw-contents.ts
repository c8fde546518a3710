import { allocateData, type BytesElement, type NumericData, type TensorData } from '../tensor.js';
import { DATATYPE_BYTES, type Datatype } from './datatypes.js';
import { ProtocolError } from './protocol-error.js';

/**
 * The raw form of a tensor (`raw_input_contents` / `raw_output_contents` of the gRPC protocol, and
 * the binary extension's form): the elements row-major as little-endian bytes, BOOL one byte each,
 * FP16/BF16 their 16 bits; BYTES as each element's length in a 4-byte little-endian unsigned
 * integer followed by its bytes.
 * https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_grpc.md#raw-tensor-data
 */

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
// BOM kept (ignoreBOM: it is part of the element, not a marker); invalid UTF-8 throws (fatal).
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const ENCODER = new TextEncoder();
const LENGTH_PREFIX = 4;
const FORMAT = 'each BYTES element is its length as 4 bytes, little-endian, followed by that many bytes';

/** Reads `count` elements of `datatype` from `raw`; throws a ProtocolError naming `input` when they do not fit. */
export function decodeRawContents(input: string, datatype: Datatype, count: number, raw: Uint8Array): TensorData {
  if (datatype === 'BYTES') return decodeRawBytes(input, count, raw);
  const size = DATATYPE_BYTES[datatype];
  if (raw.byteLength !== count * size) {
    throw new ProtocolError('invalid_data', [input,
      `raw contents hold ${raw.byteLength} bytes where the shape's ${count} elements of ${datatype} need ${count * size} (${size} bytes each, little-endian)`]);
  }
  const target = allocateData(datatype, count) as NumericData;
  const bytes = new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
  // A copy, never a view of `raw`: its offset need not be aligned for the typed array.
  bytes.set(raw);
  if (!LITTLE_ENDIAN_HOST) swapBytes(bytes, size);
  if (datatype === 'BOOL') {
    const bad = bytes.findIndex((b) => b > 1);
    if (bad >= 0) throw new ProtocolError('invalid_data', [input, `element ${bad}: a BOOL is the byte 0 or 1, got ${bytes[bad]}`]);
  }
  return target;
}

/** The raw form of a tensor's elements. */
export function encodeRawContents(datatype: Datatype, data: TensorData): Uint8Array {
  if (datatype === 'BYTES') return encodeRawBytes(data as BytesElement[]);
  const typed = data as NumericData;
  const bytes = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
  if (LITTLE_ENDIAN_HOST) return bytes;
  const copy = bytes.slice();
  swapBytes(copy, DATATYPE_BYTES[datatype]);
  return copy;
}

function decodeRawBytes(input: string, count: number, raw: Uint8Array): BytesElement[] {
  if (count * LENGTH_PREFIX > raw.byteLength) {
    throw new ProtocolError('invalid_data', [input,
      `the shape holds ${count} elements but the raw contents have ${raw.byteLength} bytes, fewer than their length prefixes alone need; ${FORMAT}`]);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const elements = new Array<BytesElement>(count);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    if (offset + LENGTH_PREFIX > raw.byteLength) {
      const where = offset === raw.byteLength ? `the raw contents end after ${i} elements` : `the raw contents end inside the length of element ${i}`;
      throw new ProtocolError('invalid_data', [input, `the shape holds ${count} elements but ${where}; ${FORMAT}`]);
    }
    const length = view.getUint32(offset, true);
    offset += LENGTH_PREFIX;
    if (length > raw.byteLength - offset) {
      throw new ProtocolError('invalid_data',
        [input, `element ${i} declares ${length} bytes but only ${raw.byteLength - offset} remain; ${FORMAT}`]);
    }
    elements[i] = bytesElement(raw.subarray(offset, offset + length));
    offset += length;
  }
  if (offset !== raw.byteLength) {
    throw new ProtocolError('invalid_data',
      [input, `${raw.byteLength - offset} bytes follow the shape's ${count} elements; ${FORMAT}`]);
  }
  return elements;
}

function encodeRawBytes(data: readonly BytesElement[]): Uint8Array {
  const encoded = data.map(elementBytes);
  const total = encoded.reduce((sum, element) => sum + LENGTH_PREFIX + element.byteLength, 0);
  const raw = new Uint8Array(total);
  const view = new DataView(raw.buffer);
  let offset = 0;
  for (const element of encoded) {
    view.setUint32(offset, element.byteLength, true);
    raw.set(element, offset + LENGTH_PREFIX);
    offset += LENGTH_PREFIX + element.byteLength;
  }
  return raw;
}

/**
 * A BYTES element in its canonical form (see `BytesElement`): the text when `bytes` are valid UTF-8,
 * else a copy of the bytes (never a view: the body they came from is not kept).
 */
export function bytesElement(bytes: Uint8Array): BytesElement {
  try {
    return UTF8.decode(bytes);
  } catch {
    return bytes.slice();
  }
}

/** The bytes of a BYTES element: its UTF-8 encoding, or the bytes themselves. */
export function elementBytes(element: BytesElement): Uint8Array {
  return typeof element === 'string' ? ENCODER.encode(element) : element;
}

/** Reverses the bytes of each `size`-byte element in place (little-endian ↔ big-endian). */
function swapBytes(bytes: Uint8Array, size: number): void {
  if (size < 2) return;
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}
