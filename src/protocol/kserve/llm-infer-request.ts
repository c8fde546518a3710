import type { Tensor } from '../tensor.js';
import { isJsonObject } from './json-value.js';
import { LLM_PARAMETERS, readSampling, readStreamFlag } from './llm-parameters.js';
import { ProtocolError } from './protocol-error.js';

/** The shapes a prompt comes in: vLLM's `[1]`, and TensorRT-LLM's `[1,1]` (batch of one, one string). */
export const PROMPT_SHAPES: readonly (readonly number[])[] = [[1], [1, 1]];

/** A KServe v2 request to an LLM, as the call it asks for. */
export interface LlmInferRequest {
  readonly prompt: string;
  /** `text_input`'s shape: the answer's `text_output` has the same. */
  readonly shape: readonly number[];
  /** The recognised sampling settings, as chat completion fields. */
  readonly sampling: Readonly<Record<string, unknown>>;
  /** Whether the client asked to stream (`stream` parameter or BOOL input); undefined when it did not say. */
  readonly stream: boolean | undefined;
}

/**
 * Reads an LLM request in the shapes Triton's LLM backends take: the prompt in `text_input` (BYTES,
 * shape [1] or [1,1]), settings in the request's `parameters`, in one-element inputs of the same
 * names (TensorRT-LLM's `max_tokens`, `temperature`…), or in vLLM's `sampling_parameters` input (a
 * JSON object); `stream` as a parameter or a BOOL input. Other inputs are ignored, as parameters a
 * model does not read are. Throws a ProtocolError.
 */
export function decodeLlmInferRequest(request: { readonly inputs: readonly Tensor[]; readonly parameters: Readonly<Record<string, unknown>> }): LlmInferRequest {
  const text = request.inputs.find((tensor) => tensor.name === 'text_input');
  if (!text) throw new ProtocolError('invalid_request', ['inputs', "must hold 'text_input', the prompt (BYTES, shape [1])"]);
  const prompt = promptOf(text);
  const settings: Record<string, unknown> = { ...samplingJson(request.inputs) };
  for (const tensor of request.inputs) {
    if ((tensor.name in LLM_PARAMETERS || tensor.name === 'stream') && tensor.data.length === 1) settings[tensor.name] = scalar(tensor);
  }
  Object.assign(settings, request.parameters);
  return { prompt, shape: text.shape, sampling: readSampling(settings), stream: readStreamFlag(settings.stream) };
}

function promptOf(tensor: Tensor): string {
  if (tensor.datatype !== 'BYTES') throw new ProtocolError('invalid_request', ['text_input', `must be BYTES, got ${tensor.datatype}`]);
  if (!PROMPT_SHAPES.some((shape) => sameShape(shape, tensor.shape))) {
    throw new ProtocolError('invalid_shape', ['text_input', `got [${tensor.shape.join(',')}]; send one prompt, shape [1] or [1,1]`]);
  }
  return (tensor.data as string[])[0] ?? '';
}

/** One element, as a JSON value: BOOL as boolean, INT64 as number, a BYTES stop word as its string. */
function scalar(tensor: Tensor): unknown {
  const value = (tensor.data as ArrayLike<unknown>)[0];
  if (tensor.datatype === 'BOOL') return value === 1 || value === true;
  return typeof value === 'bigint' ? Number(value) : value;
}

/** vLLM's `sampling_parameters` input: a JSON object of settings in one BYTES element. */
function samplingJson(inputs: readonly Tensor[]): Record<string, unknown> {
  const tensor = inputs.find((input) => input.name === 'sampling_parameters');
  if (!tensor) return {};
  const text = tensor.datatype === 'BYTES' ? (tensor.data as string[])[0] : undefined;
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    value = undefined;
  }
  if (!isJsonObject(value)) throw new ProtocolError('invalid_request', ['sampling_parameters', 'must be one BYTES element holding a JSON object']);
  return value;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i]);
}
