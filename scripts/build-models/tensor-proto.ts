import { onnx, type OnnxTypes } from './onnx.js';

const { DataType } = onnx.TensorProto;

/** An FP32 initializer, stored little-endian in `raw_data` as the ONNX spec requires. */
export function floatTensor(name: string, dims: readonly number[], values: ArrayLike<number>): OnnxTypes.ITensorProto {
  const raw = new DataView(new ArrayBuffer(values.length * 4));
  for (let i = 0; i < values.length; i++) raw.setFloat32(i * 4, values[i] as number, true);
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData: new Uint8Array(raw.buffer) };
}

/** An INT64 initializer (small values, so plain numbers are exact). */
export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): OnnxTypes.ITensorProto {
  return { name, dims: [...dims], dataType: DataType.INT64, int64Data: [...values] };
}
