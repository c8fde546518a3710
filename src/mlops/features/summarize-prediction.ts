import type { Manifest } from '../../model/manifest.js';
import type { Tensor } from '../../protocol/tensor.js';
import { numericValues } from './numeric-values.js';

/** The task of a version: its manifest's `task`, or classification when an output has labels. */
export type Task = NonNullable<Manifest['task']>;

/** What one row of a request predicted, in the terms live quality compares with a label. */
export type RowPrediction =
  /** classification: the arg-max class (its label when the manifest names it, else its index) and its score. */
  | { readonly class: string | number; readonly score: number }
  /** regression: the row's (first) value. */
  | { readonly value: number }
  /** ranking: the row's ids or indices, best first, at most `k` of them. */
  | { readonly ranked: ReadonlyArray<string | number> };

const RANK_DEFAULT_K = 10;

/** The task a version declares, or the one its labels imply; undefined when neither says. */
export function taskOf(manifest: Pick<Manifest, 'task' | 'labels'>): Task | undefined {
  if (manifest.task) return manifest.task;
  const labelled = Object.keys(manifest.labels)[0];
  return labelled === undefined ? undefined : { type: 'classification', output: labelled };
}

/**
 * One prediction per row of the task's output (the first output when the task names none); undefined
 * when the output is missing or not numeric (ranking also takes BYTES ids).
 */
export function summarizePrediction(task: Task, outputs: readonly Tensor[], labels: Manifest['labels']): RowPrediction[] | undefined {
  const output = task.output === undefined ? outputs[0] : outputs.find((o) => o.name === task.output);
  if (!output || output.shape.length === 0) return undefined;
  const rows = output.shape.length === 1 ? 1 : output.shape[0] ?? 0;
  const width = rows === 0 ? 0 : elementsOf(output) / rows;
  if (task.type === 'ranking') return ranked(output, rows, width, task.k ?? RANK_DEFAULT_K);
  if (task.type === 'classification' && Array.isArray(output.data)) return fromClassification(output.data, rows, width);
  const values = numericValues(output);
  if (!values) return undefined;
  const result: RowPrediction[] = [];
  for (let row = 0; row < rows; row++) {
    const start = row * width;
    if (task.type === 'regression') {
      result.push({ value: values[start] ?? Number.NaN });
      continue;
    }
    let best = 0;
    for (let i = 1; i < width; i++) if ((values[start + i] ?? -Infinity) > (values[start + best] ?? -Infinity)) best = i;
    // A one-wide output is a class index (or a single score): the class is its value.
    const names = labels[output.name];
    const cls = width === 1 ? Math.round(values[start] ?? 0) : best;
    result.push({ class: names?.[cls] ?? cls, score: width === 1 ? 1 : values[start + best] ?? 0 });
  }
  return result;
}

/** Triton's classification extension answered "score:index[:label]" strings, best first per row: the first of each row is the prediction. */
function fromClassification(data: ReadonlyArray<string | Uint8Array>, rows: number, width: number): RowPrediction[] | undefined {
  const result: RowPrediction[] = [];
  for (let row = 0; row < rows; row++) {
    const top = data[row * width];
    const match = typeof top === 'string' ? CLASSIFICATION.exec(top) : null;
    if (!match) return undefined;
    result.push({ class: match[3] ?? Number(match[2]), score: Number(match[1]) });
  }
  return result;
}

const CLASSIFICATION = /^([^:]+):(\d+)(?::(.*))?$/;

function ranked(output: Tensor, rows: number, width: number, k: number): RowPrediction[] {
  const result: RowPrediction[] = [];
  const data = output.data;
  for (let row = 0; row < rows; row++) {
    const ids: Array<string | number> = [];
    for (let i = 0; i < Math.min(width, k); i++) {
      const element = Array.isArray(data) ? data[row * width + i] : (data as ArrayLike<number | bigint>)[row * width + i];
      ids.push(typeof element === 'string' ? element : typeof element === 'bigint' ? Number(element) : typeof element === 'number' ? element : '');
    }
    result.push({ ranked: ids });
  }
  return result;
}

function elementsOf(tensor: Tensor): number {
  return tensor.data.length;
}
