import { isJsonObject } from './json-value.js';
import { readSampling } from './llm-parameters.js';
import { ProtocolError } from './protocol-error.js';

/** A generate extension request, decoded. */
export interface GenerateRequest {
  /** The prompt. */
  readonly textInput: string;
  /** The recognised sampling settings, as chat completion fields (llm-parameters.ts). */
  readonly sampling: Readonly<Record<string, unknown>>;
}

/**
 * Decodes the body of Triton's generate extension (`POST …/generate` and `…/generate_stream`):
 * `{"text_input": "…", "parameters": {…}}`. Keys beside these two are what Triton passes to the
 * model as tensors (a TensorRT-LLM client sends `max_tokens`, `stop_words`, `bad_words` so); they
 * are read as parameters, `parameters` winning over a key of the same name. Throws a ProtocolError.
 * https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_generate.md
 */
export function decodeGenerateRequest(body: unknown): GenerateRequest {
  if (!isJsonObject(body)) throw new ProtocolError('invalid_request', ['body', 'must be a JSON object with text_input']);
  const { text_input: text, parameters = {}, ...others } = body as Record<string, unknown>;
  if (!isJsonObject(parameters)) throw new ProtocolError('invalid_request', ['parameters', 'must be an object of name/value pairs']);
  return { textInput: promptOf(text), sampling: readSampling({ ...others, ...(parameters as Record<string, unknown>) }) };
}

/** A string; a one-element array of one (what a client that sends every key as a tensor sends) is taken too. */
function promptOf(value: unknown): string {
  const text = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (typeof text !== 'string') {
    throw new ProtocolError('invalid_request', ['text_input', value === undefined ? 'is missing; send the prompt as a string' : 'must be a string']);
  }
  return text;
}
