import { onnx, type OnnxTypes } from './onnx.js';

/** Element types the example models use, by their ONNX names. */
export const ElemType = {
  FLOAT: onnx.TensorProto.DataType.FLOAT,
  DOUBLE: onnx.TensorProto.DataType.DOUBLE,
  INT32: onnx.TensorProto.DataType.INT32,
  INT64: onnx.TensorProto.DataType.INT64,
  UINT8: onnx.TensorProto.DataType.UINT8,
  BOOL: onnx.TensorProto.DataType.BOOL,
  STRING: onnx.TensorProto.DataType.STRING,
} as const;

export type ElemType = (typeof ElemType)[keyof typeof ElemType];

/** A graph input or output: a string dimension is symbolic (the batch), a number is fixed. */
export function tensorInfo(name: string, elemType: ElemType, dims: ReadonlyArray<string | number>): OnnxTypes.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}
