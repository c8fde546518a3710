import type { Tensor } from '../tensor.js';
import { decodeInferRequest, type DecodeLimits } from './decode-infer-request.js';
import { decodeGrpcInferRequest } from './grpc-codec.js';
import type { GrpcModelInferResponse } from './grpc-wire-types.js';
import { ProtocolError } from './protocol-error.js';

/**
 * The output tensors of an `$inference_response` (JSON) a remote server sent. Output tensors follow
 * the rules of request tensors (name, datatype, shape, data that fills the shape), so the request
 * decoder checks them; a malformed answer throws a ProtocolError naming `outputs[i]`. `binary`: the
 * bytes after the JSON header of a binary tensor data answer (outputs with `binary_data_size`).
 */
export function decodeInferResponse(body: unknown, limits: DecodeLimits, binary?: Uint8Array): Tensor[] {
  const outputs = (body as { outputs?: unknown } | null)?.outputs;
  if (!Array.isArray(outputs)) throw new ProtocolError('invalid_request', ['outputs', 'the answer has no outputs array']);
  if (outputs.length === 0) return [];
  return renamed(() => decodeInferRequest({ inputs: outputs }, limits, binary).inputs.map(tensorOnly));
}

/** The output tensors of a gRPC `ModelInferResponse`, typed or in `raw_output_contents`, checked the same way. */
export function decodeGrpcInferResponse(message: GrpcModelInferResponse, limits: DecodeLimits): Tensor[] {
  const outputs = message.outputs ?? [];
  if (outputs.length === 0) return [];
  return renamed(() => decodeGrpcInferRequest({ inputs: outputs, raw_input_contents: message.raw_output_contents ?? [] }, limits).inputs.map(tensorOnly));
}

/** The tensor without the request-side `parameters` the decoder adds. */
function tensorOnly({ name, datatype, shape, data }: Tensor): Tensor {
  return { name, datatype, shape, data };
}

/** Errors about the answer name its outputs, not the request's inputs whose decoder checked them. */
function renamed<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof ProtocolError) {
      const args = (error.args as readonly unknown[]).map((a) => (typeof a === 'string' ? a.replace(/\binputs\b/g, 'outputs').replace(/raw_input_contents/g, 'raw_output_contents') : a));
      throw new ProtocolError(error.kind, args as never);
    }
    throw error;
  }
}
