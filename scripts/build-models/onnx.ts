import onnxProto from 'onnx-proto';

/** The ONNX protobuf classes (onnx-proto is CommonJS, so under ESM its namespace is on the default export). */
export const { onnx } = onnxProto;

export type { onnx as OnnxTypes } from 'onnx-proto';
