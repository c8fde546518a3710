import type { Tensor } from '../tensor.js';
import { isDatatype, JSON_DATATYPES } from './datatypes.js';
import { decodeParameters } from './decode-parameters.js';
import { decodeTensorData } from './decode-tensor-data.js';
import { describeJson, isJsonObject } from './json-value.js';
import { ProtocolError } from './protocol-error.js';
import type { JsonDatatype } from './read-elements.js';
import type { Parameters } from './wire-types.js';
import { checkedElementCount } from './element-count.js';

/** An input tensor of the request, with its own `parameters`. */
export interface DecodedInput extends Tensor {
  readonly parameters: Parameters;
}

/** An output the client asked for, with its own `parameters` (e.g. `classification`). */
export interface RequestedOutput {
  readonly name: string;
  readonly parameters: Parameters;
}

export interface DecodedInferRequest {
  readonly id?: string;
  readonly parameters: Parameters;
  readonly inputs: readonly DecodedInput[];
  /** Empty when the client named none: every output of the model. */
  readonly outputs: readonly RequestedOutput[];
}

export interface DecodeLimits {
  /** Most elements one input may hold (the product of its shape). */
  readonly maxElements: number;
}

/**
 * Decodes and checks an `$inference_request` body as JSON.parse left it. Throws a ProtocolError,
 * and nothing else, for any body that is not a valid request.
 *
 * Unknown keys, at the top level and in inputs and outputs, are ignored, as the spec's objects may
 * grow (forward compatibility; Triton does the same).
 */
export function decodeInferRequest(body: unknown, limits: DecodeLimits): DecodedInferRequest {
  if (!isJsonObject(body)) {
    throw new ProtocolError('invalid_request', ['body', `must be a JSON object, got ${describeJson(body)}`]);
  }
  const { id } = body;
  if (id !== undefined && typeof id !== 'string') {
    throw new ProtocolError('invalid_request', ['id', `must be a string, got ${describeJson(id)}`]);
  }
  const parameters = decodeParameters(body.parameters, 'parameters');
  const inputs = decodeInputs(body.inputs, limits);
  const outputs = decodeOutputs(body.outputs);
  return id === undefined ? { parameters, inputs, outputs } : { id, parameters, inputs, outputs };
}

function decodeInputs(value: unknown, limits: DecodeLimits): DecodedInput[] {
  if (!Array.isArray(value) || value.length === 0) {
    const got = value === undefined ? 'it is missing' : `got ${describeJson(value)}`;
    throw new ProtocolError('invalid_request', ['inputs', `must be a non-empty array of input tensors; ${got}`]);
  }
  const names = new Set<string>();
  const inputs: DecodedInput[] = [];
  for (let i = 0; i < value.length; i++) {
    const input = decodeInput(value[i], `inputs[${i}]`, limits);
    if (names.has(input.name)) throw new ProtocolError('duplicate_input', [input.name]);
    names.add(input.name);
    inputs.push(input);
  }
  return inputs;
}

function decodeInput(value: unknown, path: string, limits: DecodeLimits): DecodedInput {
  if (!isJsonObject(value)) {
    throw new ProtocolError('invalid_request', [path, `must be an input object, got ${describeJson(value)}`]);
  }
  const name = decodeName(value.name, `${path}.name`);
  const datatype = decodeDatatype(name, value.datatype, `${path}.datatype`);
  const shape = decodeShape(name, value.shape, `${path}.shape`);
  const count = checkedElementCount(name, shape, limits.maxElements);
  const parameters = decodeParameters(value.parameters, `${path}.parameters`);
  const { data } = value;
  if (!Array.isArray(data)) {
    const got = data === undefined
      ? 'it is missing (umbral reads tensor data from JSON only, not from the binary or shared-memory extensions)'
      : `got ${describeJson(data)}`;
    throw new ProtocolError('invalid_request', [`${path}.data`, `must be an array of tensor elements; ${got}`]);
  }
  return { name, datatype, shape, data: decodeTensorData(name, datatype, shape, count, data), parameters };
}

function decodeName(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ProtocolError('invalid_request', [path, `must be a non-empty string, got ${describeJson(value)}`]);
  }
  return value;
}

function decodeDatatype(input: string, value: unknown, path: string): JsonDatatype {
  if (typeof value !== 'string') {
    throw new ProtocolError('invalid_request', [path, `must be a datatype string such as "FP32", got ${describeJson(value)}`]);
  }
  // FP16 and BF16 are protocol datatypes but JSON cannot carry them (no standard textual form).
  if (!isDatatype(value) || !JSON_DATATYPES.has(value)) throw new ProtocolError('unsupported_datatype', [input, value]);
  return value as JsonDatatype;
}

function decodeShape(input: string, value: unknown, path: string): number[] {
  if (!Array.isArray(value)) {
    throw new ProtocolError('invalid_request', [path, `must be an array of dimensions, got ${describeJson(value)}`]);
  }
  const shape: number[] = [];
  for (let d = 0; d < value.length; d++) {
    const dim: unknown = value[d];
    // The spec lets a dimension be any uint64; above 2^53 - 1 JSON.parse has already rounded it.
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) {
      throw new ProtocolError('invalid_shape',
        [input, `dimension ${d} must be a non-negative integer up to 2^53 - 1, got ${describeJson(dim)}`]);
    }
    shape.push(dim);
  }
  return shape;
}

function decodeOutputs(value: unknown): RequestedOutput[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new ProtocolError('invalid_request', ['outputs', `must be an array of requested outputs, got ${describeJson(value)}`]);
  }
  const names = new Set<string>();
  const outputs: RequestedOutput[] = [];
  for (let i = 0; i < value.length; i++) {
    const path = `outputs[${i}]`;
    const output: unknown = value[i];
    if (!isJsonObject(output)) {
      throw new ProtocolError('invalid_request', [path, `must be an object with a name, got ${describeJson(output)}`]);
    }
    const name = decodeName(output.name, `${path}.name`);
    if (names.has(name)) {
      throw new ProtocolError('invalid_request', [`${path}.name`, `output '${name}' is requested twice; ask for each output once`]);
    }
    names.add(name);
    outputs.push({ name, parameters: decodeParameters(output.parameters, `${path}.parameters`) });
  }
  return outputs;
}
