import type { ModelSignature, TensorSpec } from '../backend.js';
import { datatypeOfOrtType } from './onnx-datatypes.js';
import type { SessionInfo, WireValueInfo } from './worker-messages.js';

/** Platform of onnx models in the protocol's model metadata (Triton's name). */
export const ONNX_PLATFORM = 'onnxruntime_onnx';

/**
 * The signature of a session: datatypes mapped to the protocol's, symbolic or unknown dimensions
 * as -1. A value umbral cannot exchange (a sequence, a map, a 4-bit tensor) makes the model
 * unservable, with a problem that names it.
 */
export function toModelSignature(info: SessionInfo): { signature: ModelSignature } | { problem: string } {
  const inputs: TensorSpec[] = [];
  const outputs: TensorSpec[] = [];
  for (const [role, values, specs] of [['input', info.inputs, inputs], ['output', info.outputs, outputs]] as const) {
    for (const value of values) {
      const spec = toTensorSpec(value);
      if (typeof spec === 'string') return { problem: `${role} '${value.name}' ${spec}` };
      specs.push(spec);
    }
  }
  return { signature: { platform: ONNX_PLATFORM, inputs, outputs } };
}

function toTensorSpec(value: WireValueInfo): TensorSpec | string {
  if (value.type === null) return 'is not a tensor (a sequence or map), which umbral cannot serve';
  const datatype = datatypeOfOrtType(value.type);
  if (!datatype) {
    return `has element type '${value.type}', which umbral cannot serve; use bool, string, float16/32/64, int8…64 or uint8…64`;
  }
  const shape = value.shape.map((dim) => (typeof dim === 'number' && dim >= 0 ? dim : -1));
  return { name: value.name, datatype, shape };
}

/** Says in plain words why ONNX Runtime could not create a session of `path`. */
export function describeLoadFailure(path: string, message: string): string {
  if (/protobuf parsing failed/i.test(message)) return `not a valid ONNX model: ${path} cannot be parsed (${message})`;
  if (/file doesn't exist|no such file/i.test(message)) return `file not found: ${path}`;
  if (/unsupported data type/i.test(message)) {
    return `${path} uses a tensor element type onnxruntime-node cannot exchange (${message})`;
  }
  return `onnxruntime cannot create a session of ${path}: ${message}`;
}
