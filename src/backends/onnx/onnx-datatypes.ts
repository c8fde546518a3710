import type { Tensor as OrtTensor } from 'onnxruntime-node';
import type { Datatype } from '../../protocol/kserve/datatypes.js';

/** ONNX Runtime's name of a tensor element type (`'float32'`, `'string'`, …). */
export type OrtType = OrtTensor.Type;

// uint4 and int4 have no protocol datatype; BF16 has no onnxruntime-node tensor type.
const DATATYPE_OF: Partial<Record<string, Datatype>> = {
  float32: 'FP32', float64: 'FP64', float16: 'FP16',
  int8: 'INT8', int16: 'INT16', int32: 'INT32', int64: 'INT64',
  uint8: 'UINT8', uint16: 'UINT16', uint32: 'UINT32', uint64: 'UINT64',
  bool: 'BOOL', string: 'BYTES',
};

const ORT_TYPE_OF: Partial<Record<Datatype, OrtType>> = {
  FP32: 'float32', FP64: 'float64', FP16: 'float16',
  INT8: 'int8', INT16: 'int16', INT32: 'int32', INT64: 'int64',
  UINT8: 'uint8', UINT16: 'uint16', UINT32: 'uint32', UINT64: 'uint64',
  BOOL: 'bool', BYTES: 'string',
};

/** The protocol datatype an ONNX Runtime element type travels as; undefined when it has none. */
export function datatypeOfOrtType(type: string): Datatype | undefined {
  return Object.hasOwn(DATATYPE_OF, type) ? DATATYPE_OF[type] : undefined;
}

/** The ONNX Runtime element type of a protocol datatype; undefined for BF16. */
export function ortTypeOfDatatype(datatype: Datatype): OrtType | undefined {
  return ORT_TYPE_OF[datatype];
}
