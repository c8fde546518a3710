import { allocateData, type TensorData } from '../tensor.js';
import { describeJson } from './json-value.js';
import { ProtocolError } from './protocol-error.js';
import { EXPECTED_ELEMENT, readElements, type JsonDatatype } from './read-elements.js';

/**
 * Reads an input's `$tensor_data` into flat row-major storage of `count` elements (the product of
 * `shape`, already checked against the limits).
 *
 * The spec allows flat (`[1,2,4,5]`) and nested (`[[1,2],[4,5]]`) data. Nesting must be rectangular
 * and follow the shape: data nested `depth` levels deep has, at each level d < depth - 1, arrays of
 * shape[d] items, and innermost arrays ("rows") holding the product of the remaining dimensions. So
 * flat, fully nested, and anything between are read; ragged data is refused. The walk goes level by
 * level without recursion: JSON.parse accepts arrays nested 100k deep.
 */
export function decodeTensorData(
  input: string,
  datatype: JsonDatatype,
  shape: readonly number[],
  count: number,
  data: readonly unknown[],
): TensorData {
  const maxDepth = Math.max(shape.length, 1);
  const depth = nestingDepth(data, maxDepth);
  if (depth > maxDepth) {
    throw nestingError(input, data, count, `data is nested deeper than shape ${formatShape(shape)} has dimensions`);
  }
  const rows = collectRows(input, data, shape, count, depth);
  const rowLength = productFrom(shape, depth - 1);
  const target = allocateData(datatype, count);
  for (let j = 0; j < rows.length; j++) {
    const row = rows[j];
    if (!Array.isArray(row) || row.length !== rowLength) {
      throw nestingError(input, data, count, misfit(row, pathOf(j, depth - 1, shape), rowLength, shape));
    }
    const bad = readElements(datatype, target, row, j * rowLength);
    if (bad >= 0) {
      const path = `${pathOf(j, depth - 1, shape)}[${bad}]`;
      throw new ProtocolError('invalid_data', [input,
        `element ${j * rowLength + bad} (${path}): expected ${EXPECTED_ELEMENT[datatype]}, got ${describeJson(row[bad])}`]);
    }
  }
  return target;
}

/** Depth of nesting along the first items, probing no further than `max` + 1 levels. */
function nestingDepth(data: readonly unknown[], max: number): number {
  let depth = 1;
  let probe: unknown = data[0];
  while (Array.isArray(probe) && depth <= max) {
    depth++;
    probe = probe[0];
  }
  return depth;
}

/** The innermost arrays in row-major order, checking every outer level against the shape. */
function collectRows(
  input: string,
  data: readonly unknown[],
  shape: readonly number[],
  count: number,
  depth: number,
): readonly unknown[] {
  let level: readonly unknown[] = [data];
  for (let d = 0; d < depth - 1; d++) {
    const width = shape[d] as number;
    // Grown by push, not preallocated: a shape like [1e6, 1e6, 0] holds no elements but would ask for
    // an array of 1e12 slots.
    const next: unknown[] = [];
    for (let j = 0; j < level.length; j++) {
      const items = level[j];
      if (!Array.isArray(items) || items.length !== width) {
        throw nestingError(input, data, count, misfit(items, pathOf(j, d, shape), width, shape));
      }
      for (let c = 0; c < width; c++) next.push(items[c]);
    }
    level = next;
  }
  return level;
}

/**
 * A structural problem, reported as the count mismatch when the element counts differ (the usual
 * mistake), or else as where the nesting breaks.
 */
function nestingError(input: string, data: readonly unknown[], count: number, where: string): ProtocolError {
  const actual = countLeaves(data);
  if (actual !== count) return new ProtocolError('data_length_mismatch', [input, count, actual]);
  return new ProtocolError('invalid_data', [input, `${where}; nested data must be rectangular and follow the shape`]);
}

function misfit(value: unknown, path: string, expected: number, shape: readonly number[]): string {
  const found = Array.isArray(value) ? `has ${value.length} items` : `is ${describeJson(value)}`;
  return `${path} ${found} where shape ${formatShape(shape)} needs an array of ${expected}`;
}

function countLeaves(data: readonly unknown[]): number {
  let leaves = 0;
  const stack: (readonly unknown[])[] = [data];
  for (let items = stack.pop(); items !== undefined; items = stack.pop()) {
    for (const item of items) {
      if (Array.isArray(item)) stack.push(item);
      else leaves++;
    }
  }
  return leaves;
}

/** `data[i][j]…` of the `index`-th array at nesting level `levels` (row-major over shape[0..levels-1]). */
function pathOf(index: number, levels: number, shape: readonly number[]): string {
  let path = '';
  let rest = index;
  for (let d = levels - 1; d >= 0; d--) {
    const width = shape[d] as number;
    path = `[${rest % width}]${path}`;
    rest = Math.floor(rest / width);
  }
  return `data${path}`;
}

function productFrom(shape: readonly number[], from: number): number {
  let product = 1;
  for (let d = from; d < shape.length; d++) product *= shape[d] as number;
  return product;
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
