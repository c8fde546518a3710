import { onnx, type OnnxTypes } from './onnx.js';

/** IR version 8 (ONNX 1.10), the newest onnx-proto describes; onnxruntime reads it. */
const IR_VERSION = 8;
const PRODUCER_NAME = 'umbral-build-models';
/** Fixed on purpose: the producer version is part of the bytes, and the build must be reproducible. */
const PRODUCER_VERSION = '1';

export interface GraphSpec {
  name: string;
  docString: string;
  inputs: OnnxTypes.IValueInfoProto[];
  outputs: OnnxTypes.IValueInfoProto[];
  nodes: OnnxTypes.INodeProto[];
  initializers?: OnnxTypes.ITensorProto[];
  /** Opset per domain; the default domain ('') must be listed. */
  opsets: Readonly<Record<string, number>>;
}

/** Serialises a graph into the bytes of a `.onnx` file. */
export function encodeModel(spec: GraphSpec): Uint8Array {
  const model: OnnxTypes.IModelProto = {
    irVersion: IR_VERSION,
    producerName: PRODUCER_NAME,
    producerVersion: PRODUCER_VERSION,
    docString: spec.docString,
    opsetImport: Object.entries(spec.opsets).map(([domain, version]) => ({ domain, version })),
    graph: {
      name: spec.name,
      node: spec.nodes,
      input: spec.inputs,
      output: spec.outputs,
      initializer: spec.initializers ?? [],
    },
  };
  const error = onnx.ModelProto.verify(model);
  if (error) throw new Error(`invalid ONNX model ${spec.name}: ${error}`);
  return onnx.ModelProto.encode(model).finish();
}
