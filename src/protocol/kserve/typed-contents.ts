import { allocateData, type BytesElement, type NumericData, type TensorData } from '../tensor.js';
import type { Datatype } from './datatypes.js';
import type { GrpcTensorContents } from './grpc-wire-types.js';
import { ProtocolError } from './protocol-error.js';
import { bytesElement, elementBytes } from './raw-contents.js';

/** Datatypes with a field in `InferTensorContents`; FP16 and BF16 travel raw only. */
export type TypedDatatype = Exclude<Datatype, 'FP16' | 'BF16'>;

type ContentsField = keyof GrpcTensorContents;

/** The field of `InferTensorContents` each datatype travels in (the compiler keeps it complete). */
export const CONTENTS_FIELD: Readonly<Record<TypedDatatype, ContentsField>> = {
  BOOL: 'bool_contents',
  INT8: 'int_contents', INT16: 'int_contents', INT32: 'int_contents', INT64: 'int64_contents',
  UINT8: 'uint_contents', UINT16: 'uint_contents', UINT32: 'uint_contents', UINT64: 'uint64_contents',
  FP32: 'fp32_contents', FP64: 'fp64_contents', BYTES: 'bytes_contents',
};

const FIELDS: readonly ContentsField[] = [
  'bool_contents', 'int_contents', 'int64_contents', 'uint_contents', 'uint64_contents', 'fp32_contents', 'fp64_contents', 'bytes_contents',
];

/** Ranges of the datatypes narrower than their field (int32 / uint32 on the wire). */
const NARROW: Partial<Record<TypedDatatype, readonly [number, number]>> = {
  INT8: [-128, 127], INT16: [-32768, 32767], UINT8: [0, 255], UINT16: [0, 65535],
};

export function isTypedDatatype(datatype: Datatype): datatype is TypedDatatype {
  return datatype !== 'FP16' && datatype !== 'BF16';
}

/**
 * Reads an input's `contents` (`path` names it in errors) into flat storage of `count` elements.
 * The elements must be in the field of the datatype, as many as the shape holds.
 */
export function decodeTypedContents(
  input: string,
  path: string,
  datatype: Datatype,
  count: number,
  contents: GrpcTensorContents | null | undefined,
): TensorData {
  if (!isTypedDatatype(datatype)) {
    throw new ProtocolError('invalid_request', [path, `${datatype} has no field in InferTensorContents; send the inputs in raw_input_contents`]);
  }
  const field = CONTENTS_FIELD[datatype];
  if (!contents && count > 0) {
    throw new ProtocolError('invalid_request', [path, `is missing; send the elements in contents.${field}, or every input in raw_input_contents`]);
  }
  const misplaced = FIELDS.find((f) => f !== field && (contents?.[f]?.length ?? 0) > 0);
  if (misplaced !== undefined) {
    throw new ProtocolError('invalid_data', [input, `a ${datatype} input carries its elements in contents.${field}, not contents.${misplaced}`]);
  }
  const values = contents?.[field] ?? [];
  if (values.length !== count) throw new ProtocolError('data_length_mismatch', [input, count, values.length]);
  switch (datatype) {
    case 'BOOL': return Uint8Array.from(values as readonly boolean[], (v) => (v ? 1 : 0));
    case 'INT64': return BigInt64Array.from(values as readonly (string | number)[], (v) => BigInt(v));
    case 'UINT64': return BigUint64Array.from(values as readonly (string | number)[], (v) => BigInt(v));
    case 'BYTES': return (values as readonly Uint8Array[]).map(bytesElement);
    default: return numbers(input, datatype, values as readonly number[]);
  }
}

function numbers(input: string, datatype: TypedDatatype, values: readonly number[]): TensorData {
  const target = allocateData(datatype, values.length) as Exclude<NumericData, BigInt64Array | BigUint64Array>;
  const range = NARROW[datatype];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (range && (v < range[0] || v > range[1])) {
      throw new ProtocolError('invalid_data', [input, `element ${i}: ${v} is outside the range of ${datatype}, [${range[0]}, ${range[1]}]`]);
    }
    target[i] = v;
  }
  return target;
}

/** A tensor's elements as `InferTensorContents` (64-bit integers as exact decimal strings). */
export function encodeTypedContents(datatype: TypedDatatype, data: TensorData): GrpcTensorContents {
  switch (datatype) {
    case 'BOOL': return { bool_contents: Array.from(data as Uint8Array, (v) => v !== 0) };
    case 'INT64': return { int64_contents: Array.from(data as BigInt64Array, (v) => v.toString()) };
    case 'UINT64': return { uint64_contents: Array.from(data as BigUint64Array, (v) => v.toString()) };
    case 'BYTES': return { bytes_contents: (data as BytesElement[]).map(elementBytes) };
    default: return { [CONTENTS_FIELD[datatype]]: Array.from(data as ArrayLike<number>) };
  }
}
