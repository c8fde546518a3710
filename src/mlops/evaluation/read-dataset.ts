import { Errors } from '../../errors/catalogue.js';
import { isUmbralError } from '../../errors/umbral-error.js';
import type { Manifest } from '../../model/manifest.js';
import { isProtocolError } from '../../protocol/kserve/protocol-error.js';
import { mulberry32, shuffle } from '../../random/mulberry32.js';
import type { Task } from '../features/summarize-prediction.js';
import { decodeRow, RowProblem, type DatasetRow } from './dataset-row.js';

/** Lines decoded between two yields to the event loop (a large dataset must not stall serving). */
const LINES_PER_TURN = 500;

export interface DatasetLimits {
  /** Most rows (examples) a dataset may hold (evaluation.maxDatasetRows). */
  readonly maxRows: number;
  /** Most elements one tensor of a row may hold (limits.maxElements). */
  readonly maxElements: number;
}

/** A row as read, with its line number in the dataset (from 1), which reports and errors name. */
export interface NumberedRow extends DatasetRow {
  readonly line: number;
}

/**
 * Reads an evaluation dataset (JSON lines, dataset-row.ts) against a version's inputs and task.
 * Blank lines are skipped. The first bad line refuses the whole dataset: 400
 * UMBRAL_ERR_DATASET_INVALID naming the line (after `context`) and the problem; more rows than `maxRows`: 413.
 */
export async function readDataset(text: string, task: Task, manifest: Pick<Manifest, 'inputs'>, limits: DatasetLimits, context = ''): Promise<NumberedRow[]> {
  const rows: NumberedRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    if (rows.length === limits.maxRows) throw Errors.datasetTooLarge(`more than ${limits.maxRows} rows (evaluation.maxDatasetRows)`);
    try {
      rows.push({ line: i + 1, ...decodeRow(parse(line), task, manifest, limits.maxElements) });
    } catch (error) {
      throw Errors.datasetInvalid(`${context}line ${i + 1}: ${problemOf(error)}`);
    }
    if (rows.length % LINES_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (rows.length === 0) throw Errors.datasetInvalid('the body holds no line');
  return rows;
}

/**
 * `size` rows drawn from `rows` without replacement by a generator seeded with `seed`, in dataset
 * order: the same dataset, size and seed give the same rows on every run and machine. All rows when
 * `size` is absent or not below their number.
 */
export function sampleRows<T>(rows: readonly T[], size: number | undefined, seed: number): T[] {
  if (size === undefined || size >= rows.length) return [...rows];
  const picked = shuffle(rows.map((_, i) => i), mulberry32(seed)).slice(0, size).sort((a, b) => a - b);
  return picked.map((i) => rows[i] as T);
}

function parse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch (error) {
    throw new RowProblem(`not JSON (${(error as Error).message})`);
  }
}

function problemOf(error: unknown): string {
  if (error instanceof RowProblem) return error.message;
  if (isProtocolError(error)) return error.args.join(': ');
  if (isUmbralError(error)) return error.message;
  throw error;
}
