import type { DecodeLimits, DecodedInferRequest, DecodedInput, RequestedOutput } from './decode-infer-request.js';
import { DATATYPES, isDatatype, type Datatype } from './datatypes.js';
import type { InferResponseFields, ResponseTensor } from './encode-infer-response.js';
import type { GrpcInferInputTensor, GrpcInferOutputTensor, GrpcInt64, GrpcModelInferRequest, GrpcModelInferResponse } from './grpc-wire-types.js';
import { decodeGrpcParameters, encodeGrpcParameters } from './grpc-parameters.js';
import { ProtocolError } from './protocol-error.js';
import { decodeRawContents, encodeRawContents } from './raw-contents.js';
import { decodeTypedContents, encodeTypedContents, isTypedDatatype } from './typed-contents.js';
import { checkedElementCount } from './element-count.js';

/** A decoded `ModelInferRequest`: the shape the REST decoder produces, and how the tensors came. */
export interface GrpcDecodedInferRequest extends DecodedInferRequest {
  /** The inputs came in `raw_input_contents`: the response answers in `raw_output_contents`, as Triton's clients expect. */
  readonly raw: boolean;
}

/**
 * Decodes and checks a `ModelInferRequest` as @grpc/proto-loader left it (see grpc-wire-types.ts)
 * into what decode-infer-request.ts makes of a REST body. Throws a ProtocolError, and nothing else,
 * for a request that is not valid. `model_name` and `model_version` are the caller's to read.
 */
export function decodeGrpcInferRequest(message: GrpcModelInferRequest, limits: DecodeLimits): GrpcDecodedInferRequest {
  const raw = message.raw_input_contents ?? [];
  const inputs = message.inputs ?? [];
  if (inputs.length === 0) throw new ProtocolError('invalid_request', ['inputs', 'must hold at least one input tensor']);
  if (raw.length > 0 && raw.length !== inputs.length) {
    throw new ProtocolError('invalid_request',
      ['raw_input_contents', `holds ${raw.length} entries for ${inputs.length} inputs; send one per input, in the order of inputs`]);
  }
  const names = new Set<string>();
  const decoded = inputs.map((input, i) => {
    const tensor = decodeInput(input, `inputs[${i}]`, raw.length > 0 ? raw[i] as Uint8Array : undefined, limits);
    if (names.has(tensor.name)) throw new ProtocolError('duplicate_input', [tensor.name]);
    names.add(tensor.name);
    return tensor;
  });
  const parameters = decodeGrpcParameters(message.parameters, 'parameters');
  const outputs = decodeOutputs(message);
  const id = message.id ? { id: message.id } : {};
  return { ...id, parameters, inputs: decoded, outputs, raw: raw.length > 0 };
}

function decodeInput(input: GrpcInferInputTensor, path: string, raw: Uint8Array | undefined, limits: DecodeLimits): DecodedInput {
  const name = input.name ?? '';
  if (name === '') throw new ProtocolError('invalid_request', [`${path}.name`, 'must be a non-empty string']);
  const datatype = input.datatype ?? '';
  if (!isDatatype(datatype)) {
    throw new ProtocolError('invalid_request', [`${path}.datatype`, `must be one of ${DATATYPES.join(', ')}, got '${datatype}'`]);
  }
  const shape = decodeShape(name, input.shape ?? []);
  const count = checkedElementCount(name, shape, limits.maxElements);
  const parameters = decodeGrpcParameters(input.parameters, `${path}.parameters`);
  if (raw === undefined) {
    const data = decodeTypedContents(name, `${path}.contents`, datatype, count, input.contents);
    return { name, datatype, shape, data, parameters };
  }
  if (hasElements(input)) {
    throw new ProtocolError('invalid_request',
      [`${path}.contents`, 'must be empty when the request carries raw_input_contents; send every input one way']);
  }
  return { name, datatype, shape, data: decodeRawContents(name, datatype, count, raw), parameters };
}

function hasElements(input: GrpcInferInputTensor): boolean {
  return Object.values(input.contents ?? {}).some((field: unknown) => Array.isArray(field) && field.length > 0);
}

function decodeShape(input: string, dims: readonly GrpcInt64[]): number[] {
  return dims.map((dim, d) => {
    const value = Number(dim);
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new ProtocolError('invalid_shape', [input, `dimension ${d} must be a non-negative integer up to 2^53 - 1, got ${String(dim)}`]);
    }
    return value;
  });
}

function decodeOutputs(message: GrpcModelInferRequest): RequestedOutput[] {
  const names = new Set<string>();
  return (message.outputs ?? []).map((output, i) => {
    const path = `outputs[${i}]`;
    const name = output.name ?? '';
    if (name === '') throw new ProtocolError('invalid_request', [`${path}.name`, 'must be a non-empty string']);
    if (names.has(name)) throw new ProtocolError('invalid_request', [`${path}.name`, `output '${name}' is requested twice; ask for each output once`]);
    names.add(name);
    return { name, parameters: decodeGrpcParameters(output.parameters, `${path}.parameters`) };
  });
}

/**
 * A `ModelInferResponse`. Outputs travel in `raw_output_contents` when `raw` is asked for or when an
 * output is FP16 or BF16 (which have no typed field; raw is then used for all, since the list is
 * parallel to `outputs`), otherwise in each output's `contents`.
 */
export function encodeGrpcInferResponse(fields: InferResponseFields, options: { readonly raw: boolean }): GrpcModelInferResponse {
  const raw = options.raw || fields.outputs.some((output) => !isTypedDatatype(output.datatype));
  return {
    model_name: fields.modelName,
    model_version: fields.modelVersion ?? '',
    id: fields.id ?? '',
    parameters: encodeGrpcParameters(fields.parameters),
    outputs: fields.outputs.map((output) => encodeOutput(output, raw)),
    raw_output_contents: raw ? fields.outputs.map((output) => encodeRawContents(output.datatype, output.data)) : [],
  };
}

function encodeOutput(output: ResponseTensor, raw: boolean): GrpcInferOutputTensor {
  const datatype: Datatype = output.datatype;
  const tensor = { name: output.name, datatype, shape: [...output.shape], parameters: encodeGrpcParameters(output.parameters) };
  return raw || !isTypedDatatype(datatype) ? tensor : { ...tensor, contents: encodeTypedContents(datatype, output.data) };
}
