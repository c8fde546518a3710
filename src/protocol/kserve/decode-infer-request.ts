import type { Tensor } from '../tensor.js';
import { isDatatype, JSON_DATATYPES, type Datatype } from './datatypes.js';
import { decodeParameters } from './decode-parameters.js';
import { decodeTensorData } from './decode-tensor-data.js';
import { describeJson, isJsonObject } from './json-value.js';
import { ProtocolError } from './protocol-error.js';
import type { JsonDatatype } from './read-elements.js';
import type { Parameters } from './wire-types.js';
import { checkedElementCount } from './element-count.js';
import { BINARY_DATA, BINARY_DATA_OUTPUT, BINARY_DATA_SIZE, BinarySections, decodeFlag, decodeSize, withoutKey } from './binary-body.js';
import { DATATYPE_BYTES } from './datatypes.js';
import { decodeRawContents } from './raw-contents.js';

/** An input tensor of the request, with its own `parameters`. */
export interface DecodedInput extends Tensor {
  readonly parameters: Parameters;
}

/** An output the client asked for, with its own `parameters` (e.g. `classification`). */
export interface RequestedOutput {
  readonly name: string;
  readonly parameters: Parameters;
  /** The output's own `binary_data` parameter (binary extension), taken out of `parameters`. */
  readonly binary?: boolean;
}

export interface DecodedInferRequest {
  readonly id?: string;
  /** The request's parameters, without the binary extension's `binary_data_output`. */
  readonly parameters: Parameters;
  /** Inputs sent as JSON `data` or as binary sections alike; `binary_data_size` is taken out of their parameters. */
  readonly inputs: readonly DecodedInput[];
  /** Empty when the client named none: every output of the model. */
  readonly outputs: readonly RequestedOutput[];
  /** The request's `binary_data_output`: every output as bytes unless its own `binary_data` says otherwise. */
  readonly binaryOutput?: boolean;
}

export interface DecodeLimits {
  /** Most elements one input may hold (the product of its shape). */
  readonly maxElements: number;
}

/**
 * Decodes and checks an `$inference_request` body as JSON.parse left it. Throws a ProtocolError,
 * and nothing else, for any body that is not a valid request.
 *
 * `binary` holds the sections of Triton's binary tensor data extension that followed the JSON header
 * (see binary-body.ts): an input with `"parameters": {"binary_data_size": n}` and no `data` takes the
 * next n bytes, in any datatype (FP16 and BF16 included), decoded to the same tensor its JSON `data`
 * would give. The sizes must account for every byte.
 *
 * Unknown keys, at the top level and in inputs and outputs, are ignored, as the spec's objects may
 * grow (forward compatibility; Triton does the same).
 */
export function decodeInferRequest(body: unknown, limits: DecodeLimits, binary?: Uint8Array): DecodedInferRequest {
  if (!isJsonObject(body)) {
    throw new ProtocolError('invalid_request', ['body', `must be a JSON object, got ${describeJson(body)}`]);
  }
  const { id } = body;
  if (id !== undefined && typeof id !== 'string') {
    throw new ProtocolError('invalid_request', ['id', `must be a string, got ${describeJson(id)}`]);
  }
  const all = decodeParameters(body.parameters, 'parameters');
  const binaryOutput = decodeFlag(all[BINARY_DATA_OUTPUT], BINARY_DATA_OUTPUT, 'parameters') ?? false;
  const parameters = withoutKey(all, BINARY_DATA_OUTPUT);
  const sections = new BinarySections(binary ?? new Uint8Array(0));
  const inputs = decodeInputs(body.inputs, limits, binary === undefined ? undefined : sections);
  sections.finish();
  const outputs = decodeOutputs(body.outputs);
  return id === undefined ? { parameters, inputs, outputs, binaryOutput } : { id, parameters, inputs, outputs, binaryOutput };
}

function decodeInputs(value: unknown, limits: DecodeLimits, sections: BinarySections | undefined): DecodedInput[] {
  if (!Array.isArray(value) || value.length === 0) {
    const got = value === undefined ? 'it is missing' : `got ${describeJson(value)}`;
    throw new ProtocolError('invalid_request', ['inputs', `must be a non-empty array of input tensors; ${got}`]);
  }
  const names = new Set<string>();
  const inputs: DecodedInput[] = [];
  for (let i = 0; i < value.length; i++) {
    const input = decodeInput(value[i], `inputs[${i}]`, limits, sections);
    if (names.has(input.name)) throw new ProtocolError('duplicate_input', [input.name]);
    names.add(input.name);
    inputs.push(input);
  }
  return inputs;
}

function decodeInput(value: unknown, path: string, limits: DecodeLimits, sections: BinarySections | undefined): DecodedInput {
  if (!isJsonObject(value)) {
    throw new ProtocolError('invalid_request', [path, `must be an input object, got ${describeJson(value)}`]);
  }
  const name = decodeName(value.name, `${path}.name`);
  const all = decodeParameters(value.parameters, `${path}.parameters`);
  const size = all[BINARY_DATA_SIZE];
  if (size !== undefined) return binaryInput(value, path, name, all, sections, limits);
  const datatype = decodeDatatype(name, value.datatype, `${path}.datatype`, false) as JsonDatatype;
  const shape = decodeShape(name, value.shape, `${path}.shape`);
  const count = checkedElementCount(name, shape, limits.maxElements);
  const { data } = value;
  if (!Array.isArray(data)) {
    const got = data === undefined
      ? 'it is missing (send the elements in data, or as binary data: "parameters": {"binary_data_size": n} and the bytes after the JSON, with the header Inference-Header-Content-Length)'
      : `got ${describeJson(data)}`;
    throw new ProtocolError('invalid_request', [`${path}.data`, `must be an array of tensor elements; ${got}`]);
  }
  return { name, datatype, shape, data: decodeTensorData(name, datatype, shape, count, data), parameters: all };
}

/** An input whose elements are the next binary section, `binary_data_size` bytes long. */
function binaryInput(value: Record<string, unknown>, path: string, name: string, all: Parameters,
  sections: BinarySections | undefined, limits: DecodeLimits): DecodedInput {
  const size = decodeSize(all[BINARY_DATA_SIZE], `${path}.parameters`);
  if (sections === undefined) {
    throw new ProtocolError('invalid_request', [`${path}.parameters.${BINARY_DATA_SIZE}`,
      'is set but the request has no binary data; send the header Inference-Header-Content-Length with the JSON header\'s length in bytes, and the tensor bytes after the JSON']);
  }
  if (value.data !== undefined) {
    throw new ProtocolError('invalid_request', [`${path}.data`, `must be left out when the input is binary data (${BINARY_DATA_SIZE} is set); send one or the other`]);
  }
  const datatype = decodeDatatype(name, value.datatype, `${path}.datatype`, true);
  const shape = decodeShape(name, value.shape, `${path}.shape`);
  const count = checkedElementCount(name, shape, limits.maxElements);
  const width = DATATYPE_BYTES[datatype];
  if (width > 0 && size !== count * width) {
    throw new ProtocolError('invalid_data', [name,
      `${BINARY_DATA_SIZE} is ${size} but shape [${shape.join(',')}] of ${datatype} needs ${count * width} bytes (${count} elements of ${width} bytes)`]);
  }
  const data = decodeRawContents(name, datatype, count, sections.take(name, size));
  return { name, datatype, shape, data, parameters: withoutKey(all, BINARY_DATA_SIZE) };
}

function decodeName(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ProtocolError('invalid_request', [path, `must be a non-empty string, got ${describeJson(value)}`]);
  }
  return value;
}

function decodeDatatype(input: string, value: unknown, path: string, binary: boolean): Datatype {
  if (typeof value !== 'string') {
    throw new ProtocolError('invalid_request', [path, `must be a datatype string such as "FP32", got ${describeJson(value)}`]);
  }
  // FP16 and BF16 are protocol datatypes but JSON cannot carry them (no standard textual form).
  if (!isDatatype(value) || (!binary && !JSON_DATATYPES.has(value))) throw new ProtocolError('unsupported_datatype', [input, value]);
  return value;
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
    const parameters = decodeParameters(output.parameters, `${path}.parameters`);
    const binary = decodeFlag(parameters[BINARY_DATA], BINARY_DATA, `${path}.parameters`);
    outputs.push(binary === undefined ? { name, parameters } : { name, parameters: withoutKey(parameters, BINARY_DATA), binary });
  }
  return outputs;
}
