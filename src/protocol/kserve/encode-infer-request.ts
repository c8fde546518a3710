import { hasBinaryElement, type Tensor } from '../tensor.js';
import { BINARY_DATA_OUTPUT, BINARY_DATA_SIZE, joinBinaryBody } from './binary-body.js';
import { encodeData } from './encode-infer-response.js';
import { encodeRawContents } from './raw-contents.js';
import type { Parameters } from './wire-types.js';

/**
 * The `$inference_request` JSON a client sends (umbral's kserve backend to a remote server): the
 * inputs with flat, row-major `data` (element formats as encode-infer-response.ts writes them) and
 * the outputs asked for, none meaning every output.
 */
export function encodeInferRequest(call: InferCall, id?: string): string {
  return encodeRequestHeader(call, id, undefined);
}

/** One inference a client sends. */
export interface InferCall {
  readonly inputs: readonly Tensor[];
  /** The outputs asked for; every output when empty. */
  readonly outputs: readonly string[];
  /** The request's own `parameters` (an LLM's sampling settings, a sequence id, ...), sent as they are. */
  readonly parameters?: Parameters;
}

/** Whether JSON cannot carry the inputs unaltered: FP16 / BF16, or BYTES that are not UTF-8. */
export function needsBinaryData(inputs: readonly Tensor[]): boolean {
  return inputs.some((input) => input.datatype === 'FP16' || input.datatype === 'BF16' || hasBinaryElement(input.data));
}

/**
 * The request in Triton's binary tensor data extension, as tritonclient.http sends it: every input as
 * bytes after the JSON header, and every output asked for as bytes (`binary_data_output`), so that
 * bytes that are not text come back unaltered. Send `headerLength` as `Inference-Header-Content-Length`.
 */
export function encodeBinaryInferRequest(call: InferCall, id?: string): { headerLength: number; body: Uint8Array } {
  const sections = call.inputs.map((input) => encodeRawContents(input.datatype, input.data));
  const header = new TextEncoder().encode(encodeRequestHeader(call, id, sections));
  return joinBinaryBody(header, sections);
}

function encodeRequestHeader(call: InferCall, id: string | undefined, sections: readonly Uint8Array[] | undefined): string {
  const { inputs, outputs } = call;
  let json = id === undefined ? '{' : `{"id":${JSON.stringify(id)},`;
  const parameters = sections ? { ...call.parameters, [BINARY_DATA_OUTPUT]: true } : call.parameters;
  if (parameters !== undefined && Object.keys(parameters).length > 0) json += `"parameters":${JSON.stringify(parameters)},`;
  json += '"inputs":[';
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i] as Tensor;
    if (i > 0) json += ',';
    json += `{"name":${JSON.stringify(input.name)},"shape":[${input.shape.join(',')}],"datatype":"${input.datatype}"`;
    const raw = sections?.[i];
    json += raw ? `,"parameters":{"${BINARY_DATA_SIZE}":${raw.byteLength}}}` : `,"data":${encodeData(input.datatype, input.data)}}`;
  }
  json += ']';
  if (outputs.length > 0) json += `,"outputs":[${outputs.map((name) => `{"name":${JSON.stringify(name)}}`).join(',')}]`;
  return `${json}}`;
}
