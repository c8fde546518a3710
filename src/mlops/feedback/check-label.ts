import type { Task } from '../features/summarize-prediction.js';
import { labelRows } from '../quality/label-rows.js';

/** What a label is checked against: the task of the version that answered and what it predicted. */
export interface LabelTarget {
  /** The version's task (manifest `task`, or classification when it names class labels); undefined: none declared. */
  readonly task: Task | undefined;
  /** Rows the logged prediction holds; undefined when it recorded none (a failed request, no task). */
  readonly rows: number | undefined;
  /** The class names of a classifier's output, when the manifest gives them. */
  readonly classNames?: readonly string[];
}

/**
 * Undefined when `label` fits the target; otherwise what it should have been, in words, for the
 * message of UMBRAL_ERR_LABEL_TYPE_MISMATCH ("a number (regression)"). One row takes one label, a
 * request of several rows an array of one label per row:
 * - classification: a class label (one of the manifest's names, when it has them) or a class index;
 * - regression: a finite number;
 * - ranking: an array of the relevant item ids (strings or integers), possibly empty;
 * - no task: any string, number, or array of them (kept, but no quality is computed).
 */
export function labelProblem(label: unknown, target: LabelTarget): string | undefined {
  const { task, rows } = target;
  if (!task) return isScalar(label) || (Array.isArray(label) && label.every((row) => isScalar(row) || (Array.isArray(row) && row.every(isScalar))))
    ? undefined : 'a string, a number, or an array of them (this version declares no task)';
  const one = oneLabel(task.type, target.classNames);
  const perRow = labelRows(task.type, label);
  const fits = (rows === undefined || perRow.length === rows) && perRow.length > 0 && perRow.every(one.fits);
  if (fits) return undefined;
  const count = rows ?? perRow.length;
  return count <= 1 ? `${one.words} (${task.type})` : `an array of ${count} labels, one per predicted row, each ${one.words} (${task.type})`;
}

function oneLabel(type: Task['type'], classNames: readonly string[] | undefined): { words: string; fits: (row: unknown) => boolean } {
  if (type === 'regression') return { words: 'a finite number', fits: (row) => typeof row === 'number' && Number.isFinite(row) };
  if (type === 'ranking') {
    return { words: 'an array of the relevant item ids (strings or integers)', fits: (row) => Array.isArray(row) && row.every(isId) };
  }
  if (classNames && classNames.length > 0) {
    const shown = classNames.length <= 20 ? classNames.map((name) => `'${name}'`).join(', ') : `${classNames.length} names`;
    return {
      words: `a class label (${shown}) or class index (0 to ${classNames.length - 1})`,
      fits: (row) => (typeof row === 'string' && classNames.includes(row)) || (isIndex(row) && row < classNames.length),
    };
  }
  return { words: 'a class label (a string) or class index (an integer from 0)', fits: (row) => typeof row === 'string' || isIndex(row) };
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function isId(value: unknown): boolean {
  return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value));
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
