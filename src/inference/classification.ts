import { Errors } from '../errors/catalogue.js';
import type { Datatype } from '../protocol/kserve/datatypes.js';
import { bf16ToNumber, fp16ToNumber } from '../protocol/half-float.js';
import { elementCount, type Tensor } from '../protocol/tensor.js';
import { toCppString } from './to-cpp-string.js';

/**
 * Triton's classification extension (docs/protocol/extension_classification.md, src/classification.cc):
 * replaces an output by a BYTES tensor of its top `k` classes, highest value first, each element
 * `"<value>:<index>"` or `"<value>:<index>:<label>"`.
 *
 * As Triton does: the shape is [batch, n] when batched (top-k within each row of the remaining
 * dimensions), else [n] over all elements, where n = min(k, classes): a `k` above the class count is
 * clamped, not refused. Values print as std::to_string prints them (floats with six decimals,
 * "3.300000:1"; the doc's "3.3:1" is not what Triton's code produces), integers as plain decimals.
 * Unlike Triton: equal values keep index order (std::sort is unstable), NaN ranks last, FP16/BF16
 * are accepted, and `k` = 0, which Triton reads as "no classification", is refused here since the
 * caller only classifies when the parameter is present.
 */
export function classify(
  output: Tensor,
  k: unknown,
  /** Class labels by index; a missing or empty label leaves the `:<label>` part out, as in Triton. */
  labels?: readonly string[],
  /**
   * Whether the first dimension is the batch (Triton: the model has max_batch_size > 0). Defaults to
   * rank > 1; pass false for a model without a batch dimension whose output has several dimensions.
   */
  batched: boolean = output.shape.length > 1,
): Tensor {
  if (typeof k !== 'number' || !Number.isSafeInteger(k) || k <= 0) {
    throw Errors.invalidParameter('classification', `must be a positive integer (the number of classes to return), got ${typeof k === 'number' || typeof k === 'boolean' ? k : `a ${typeof k}`}`);
  }
  const values = numericValues(output);
  const hasBatch = batched && output.shape.length > 0;
  const rows = hasBatch ? (output.shape[0] as number) : 1;
  const classes = elementCount(hasBatch ? output.shape.slice(1) : output.shape);
  const n = Math.min(k, classes);
  const data: string[] = [];
  for (let row = 0; row < rows; row++) {
    const offset = row * classes;
    for (const index of topIndices(values, offset, classes, n)) {
      const label = labels?.[index];
      const text = `${formatValue(values[offset + index] as number | bigint, output.datatype)}:${index}`;
      data.push(label ? `${text}:${label}` : text);
    }
  }
  const shape = hasBatch ? [rows, n] : [n];
  return { name: output.name, datatype: 'BYTES', shape, data };
}

type Numeric = ArrayLike<number> | ArrayLike<bigint>;

function numericValues(output: Tensor): Numeric {
  switch (output.datatype) {
    case 'BOOL': case 'BYTES':
      throw Errors.invalidParameter('classification',
        `output '${output.name}' has datatype ${output.datatype}; classification needs a numeric output`);
    case 'FP16': return Float64Array.from(output.data as Uint16Array, fp16ToNumber);
    case 'BF16': return Float64Array.from(output.data as Uint16Array, bf16ToNumber);
    default: return output.data as Numeric;
  }
}

/** Below this k, selection by insertion (about one comparison per class) beats sorting the whole row. */
const INSERTION_MAX = 64;

/** Indices (within the row) of the `n` largest values, largest first, ties by index, NaN last. */
function topIndices(values: Numeric, offset: number, classes: number, n: number): number[] {
  const before = (i: number, j: number): boolean =>
    (compareDescending(values[offset + i] as number | bigint, values[offset + j] as number | bigint) || i - j) < 0;
  if (n > INSERTION_MAX) {
    const order = Array.from({ length: classes }, (_, i) => i);
    return order.sort((i, j) => (before(i, j) ? -1 : 1)).slice(0, n);
  }
  const top: number[] = [];
  for (let i = 0; i < classes; i++) {
    if (top.length === n && !before(i, top[n - 1] as number)) continue;
    let slot = Math.min(top.length, n - 1);
    for (; slot > 0 && before(i, top[slot - 1] as number); slot--) top[slot] = top[slot - 1] as number;
    top[slot] = i;
  }
  return top;
}

function compareDescending(a: number | bigint, b: number | bigint): number {
  if (a !== a) return b !== b ? 0 : 1; // NaN (only numbers can be NaN) sorts after everything
  if (b !== b) return -1;
  return a > b ? -1 : a < b ? 1 : 0;
}

const FLOATS: ReadonlySet<Datatype> = new Set<Datatype>(['FP16', 'BF16', 'FP32', 'FP64']);

function formatValue(value: number | bigint, datatype: Datatype): string {
  return FLOATS.has(datatype) ? toCppString(value as number) : String(value);
}
