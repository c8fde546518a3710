import type { Task } from '../features/summarize-prediction.js';

export type TaskType = Task['type'];

/**
 * A feedback label split into one label per predicted row. Several rows take an array of labels;
 * one row takes the label itself. A ranking label is itself an array (the relevant ids): an array of
 * arrays is one per row, any other array is the one row's.
 */
export function labelRows(type: TaskType, label: unknown): unknown[] {
  if (!Array.isArray(label)) return [label];
  if (type === 'ranking') return label.length > 0 && label.every((row) => Array.isArray(row)) ? label : [label];
  return label;
}

/**
 * A class as a comparable key: a class index becomes its label when the manifest names the classes,
 * so that a label sent as `1` and a prediction of `"spam"` meet; anything else its text.
 */
export function classKey(value: string | number, classNames: readonly string[] | undefined): string {
  if (typeof value === 'number' && classNames && Number.isInteger(value) && classNames[value] !== undefined) return classNames[value];
  return String(value);
}
