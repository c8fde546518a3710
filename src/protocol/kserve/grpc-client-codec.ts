import type { GrpcModelInferRequest } from './grpc-wire-types.js';
import type { InferCall } from './encode-infer-request.js';
import { encodeGrpcParameters } from './grpc-parameters.js';
import { encodeRawContents } from './raw-contents.js';

/**
 * The `ModelInferRequest` a client sends: every input in `raw_input_contents` (little-endian, the
 * compact form Triton's own clients use), the outputs asked for (none = every output).
 */
export function encodeGrpcInferRequest(model: string, version: string | undefined, request: InferCall): GrpcModelInferRequest {
  const { inputs, outputs, parameters } = request;
  return {
    model_name: model,
    model_version: version ?? '',
    parameters: encodeGrpcParameters(parameters),
    inputs: inputs.map((input) => ({ name: input.name, datatype: input.datatype, shape: input.shape as number[] })),
    outputs: outputs.map((name) => ({ name })),
    raw_input_contents: inputs.map((input) => encodeRawContents(input.datatype, input.data)),
  };
}
