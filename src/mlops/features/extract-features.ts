import type { Tensor } from '../../protocol/tensor.js';
import { numericValues } from './numeric-values.js';
import type { RowPrediction } from './summarize-prediction.js';

/** Rows of a request sampled for drift: a batch of 1,000 rows must not make a record of 1,000 values per feature. */
export const MAX_ROWS = 8;
/** Columns of a wide input taken as features (an embedding of 512 is not 512 features worth watching). */
export const MAX_COLUMNS = 16;

/**
 * The drift sample of one request: a few numbers per feature, never the payload itself.
 * - numeric input `x` of shape [n, d]: feature `x[j]` for each column j < MAX_COLUMNS, a value per
 *   row (at most MAX_ROWS rows); rank 1 or a scalar: feature `x`;
 * - text input `t` (BYTES): `t.length` (characters) and `t.tokens` (whitespace-separated tokens) per
 *   element;
 * - the prediction: `output.class` (the class index or label's position) and `output.score` for
 *   classification, `output.value` for regression.
 */
export function extractFeatures(inputs: readonly Tensor[], prediction: readonly RowPrediction[] | undefined, classes?: readonly string[]): Record<string, number[]> {
  const features: Record<string, number[]> = {};
  for (const input of inputs) addInput(features, input);
  for (const row of (prediction ?? []).slice(0, MAX_ROWS)) {
    if ('class' in row) {
      push(features, 'output.class', typeof row.class === 'number' ? row.class : Math.max(classes?.indexOf(row.class) ?? -1, 0));
      push(features, 'output.score', row.score);
    } else if ('value' in row) {
      push(features, 'output.value', row.value);
    }
  }
  return features;
}

function addInput(features: Record<string, number[]>, input: Tensor): void {
  if (Array.isArray(input.data)) {
    for (const element of input.data.slice(0, MAX_ROWS)) {
      const text = typeof element === 'string' ? element : '';
      push(features, `${input.name}.length`, typeof element === 'string' ? text.length : element.byteLength);
      push(features, `${input.name}.tokens`, text.split(/\s+/).filter(Boolean).length);
    }
    return;
  }
  const values = numericValues(input);
  if (!values) return;
  if (input.shape.length < 2) {
    for (let i = 0; i < Math.min(values.length, MAX_ROWS); i++) push(features, input.name, values[i] ?? Number.NaN);
    return;
  }
  const rows = input.shape[0] ?? 0;
  const width = rows === 0 ? 0 : values.length / rows;
  for (let row = 0; row < Math.min(rows, MAX_ROWS); row++) {
    for (let column = 0; column < Math.min(width, MAX_COLUMNS); column++) {
      push(features, `${input.name}[${column}]`, values[row * width + column] ?? Number.NaN);
    }
  }
}

function push(features: Record<string, number[]>, name: string, value: number): void {
  if (!Number.isFinite(value)) return;
  (features[name] ??= []).push(value);
}

/**
 * The drift sample of an OpenAI-compatible call: `prompt.length` (characters) and `prompt.tokens`
 * (whitespace-separated) of the text it sends (chat messages' text, `input` or `prompt`), and
 * `completion.tokens` from the answer's `usage` when it has one. Never the text itself.
 */
export function extractLlmFeatures(request: unknown, answer: unknown): Record<string, number[]> {
  const features: Record<string, number[]> = {};
  const text = promptText(request);
  if (text !== undefined) {
    push(features, 'prompt.length', text.length);
    push(features, 'prompt.tokens', text.split(/\s+/).filter(Boolean).length);
  }
  const usage = (answer as { usage?: { completion_tokens?: unknown; output_tokens?: unknown } } | null)?.usage;
  const completion = usage?.completion_tokens ?? usage?.output_tokens;
  if (typeof completion === 'number') push(features, 'completion.tokens', completion);
  return features;
}

function promptText(request: unknown): string | undefined {
  if (typeof request !== 'object' || request === null) return undefined;
  const body = request as { messages?: unknown; input?: unknown; prompt?: unknown };
  const source = body.messages ?? body.input ?? body.prompt;
  const parts: string[] = [];
  collectText(source, parts, 0);
  return parts.length > 0 ? parts.join('\n') : undefined;
}

/** Every string under `value` (message contents, content parts' text), to a bounded depth. */
function collectText(value: unknown, parts: string[], depth: number): void {
  if (depth > 4) return;
  if (typeof value === 'string') parts.push(value);
  else if (Array.isArray(value)) for (const item of value) collectText(item, parts, depth + 1);
  else if (typeof value === 'object' && value !== null) {
    const item = value as { content?: unknown; text?: unknown };
    collectText(item.content ?? item.text, parts, depth + 1);
  }
}
