import { ProtocolError } from './protocol-error.js';

/**
 * The sampling settings a KServe v2 / Triton client sends to an LLM (request `parameters`, the
 * generate extension's keys, a TensorRT-LLM client's scalar inputs), as the fields of an
 * OpenAI-compatible chat body. Names follow Triton's vLLM and TensorRT-LLM backends; the OpenAI
 * name is what the upstream receives. Anything else (`top_k`, `bad_words`, `triton_*`, …) is
 * ignored, as Triton ignores parameters a model does not read: an OpenAI-compatible upstream may
 * refuse fields it does not know. docs/reference/http.md ("LLMs over KServe v2") lists them.
 */
/** One recognised setting: the OpenAI field it becomes, and its value checked (undefined: send nothing). */
interface Setting {
  readonly field: string;
  /** The value to send; throws an Error whose message is the problem (`must …`). */
  read(value: unknown): unknown;
}

function check(ok: boolean, value: unknown, problem: string): unknown {
  if (!ok) throw new Error(problem);
  return value;
}

const positiveInteger = (value: unknown) => check(Number.isInteger(value) && (value as number) > 0, value, 'must be a positive integer');
const integer = (value: unknown) => check(Number.isInteger(value), value, 'must be an integer');
const between = (low: number, high: number) => (value: unknown) =>
  check(typeof value === 'number' && value >= low && value <= high, value, `must be a number from ${low} to ${high}`);

/** `stop` as OpenAI takes it: a string or up to 4 strings; empty strings (TensorRT-LLM clients send `""`) mean none. */
function stopWords(value: unknown): unknown {
  const words = typeof value === 'string' ? [value] : value;
  check(Array.isArray(words) && words.every((word) => typeof word === 'string'), value, 'must be a string or an array of strings');
  const kept = (words as string[]).filter((word) => word !== '');
  check(kept.length <= 4, value, 'may hold at most 4 stop sequences');
  return kept.length === 0 ? undefined : kept;
}

/** The recognised names; two names of one field (Triton's and OpenAI's) are both accepted. */
export const LLM_PARAMETERS: Readonly<Record<string, Setting>> = {
  max_tokens: { field: 'max_tokens', read: positiveInteger },
  temperature: { field: 'temperature', read: between(0, 2) },
  top_p: { field: 'top_p', read: between(0, 1) },
  seed: { field: 'seed', read: integer },
  random_seed: { field: 'seed', read: integer },
  stop: { field: 'stop', read: stopWords },
  stop_words: { field: 'stop', read: stopWords },
  presence_penalty: { field: 'presence_penalty', read: between(-2, 2) },
  frequency_penalty: { field: 'frequency_penalty', read: between(-2, 2) },
};

/**
 * The chat fields of the recognised settings in `parameters` (numbers may come as BigInt from an
 * INT64 input). Throws a ProtocolError `invalid_parameter` naming the first bad one.
 */
export function readSampling(parameters: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, given] of Object.entries(parameters)) {
    const setting = LLM_PARAMETERS[name];
    if (!setting) continue;
    const value = read(name, () => setting.read(typeof given === 'bigint' ? Number(given) : given));
    if (value !== undefined) fields[setting.field] = value;
  }
  return fields;
}

/** `stream` as a client set it: a boolean (Triton clients also send 0/1 and "true"/"false"); undefined when absent. */
export function readStreamFlag(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1 || value === 0n || value === 1n) return Number(value) === 1;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ProtocolError('invalid_parameter', ['stream', 'must be a boolean']);
}

function read(name: string, get: () => unknown): unknown {
  try {
    return get();
  } catch (problem) {
    throw new ProtocolError('invalid_parameter', [name, (problem as Error).message]);
  }
}

/** The chat completion body that asks an OpenAI-compatible upstream for `prompt`, as one user message. */
export function chatBodyOf(prompt: string, fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return { messages: [{ role: 'user', content: prompt }], ...fields };
}
