import type { Tensor } from '../tensor.js';
import { encodeData } from './encode-infer-response.js';

/**
 * The `$inference_request` JSON a client sends (umbral's kserve backend to a remote server): the
 * inputs with flat, row-major `data` (element formats as encode-infer-response.ts writes them) and
 * the outputs asked for, none meaning every output.
 */
export function encodeInferRequest(inputs: readonly Tensor[], outputs: readonly string[], id?: string): string {
  let json = id === undefined ? '{"inputs":[' : `{"id":${JSON.stringify(id)},"inputs":[`;
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i] as Tensor;
    if (i > 0) json += ',';
    json += `{"name":${JSON.stringify(input.name)},"shape":[${input.shape.join(',')}],"datatype":"${input.datatype}","data":${encodeData(input.datatype, input.data)}}`;
  }
  json += ']';
  if (outputs.length > 0) json += `,"outputs":[${outputs.map((name) => `{"name":${JSON.stringify(name)}}`).join(',')}]`;
  return `${json}}`;
}
