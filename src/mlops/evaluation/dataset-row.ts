import type { Manifest } from '../../model/manifest.js';
import { decodeInferRequest, type DecodedInput } from '../../protocol/kserve/decode-infer-request.js';
import { isJsonObject } from '../../protocol/kserve/json-value.js';
import type { Task } from '../features/summarize-prediction.js';

/** What a row expects, by task: a class (its label or index), a number, or the relevant ids. */
export type Expected = string | number | ReadonlyArray<string | number>;

/** One example of an evaluation dataset, decoded for one version. */
export interface DatasetRow {
  readonly inputs: readonly DecodedInput[];
  readonly expected: Expected;
}

/** Why a line of a dataset is refused (the caller names the line). */
export class RowProblem extends Error {}

type InputSpec = NonNullable<Manifest['inputs']>[number];

/**
 * One line of an evaluation dataset, as JSON.parse left it, decoded against a version's declared
 * inputs. A line is one example (a batch of one):
 *
 *     {"inputs": {"text": "win cash now"}, "expected": "spam"}
 *
 * `inputs` maps each input of the model to its value for the example (a scalar or nested arrays:
 * datatype and shape come from the manifest, the batch dimension of one added where the model's
 * shape starts with -1), or to a tensor `{"datatype", "shape", "data"}` as an infer request carries
 * it; `inputs` may also be the KServe v2 list of input tensors itself. Every input must be there,
 * with the model's datatype and a shape the model's accepts. Throws a RowProblem, or the codec's
 * ProtocolError, saying what is wrong.
 */
export function decodeRow(line: unknown, task: Task, manifest: Pick<Manifest, 'inputs'>, maxElements: number): DatasetRow {
  if (!isJsonObject(line)) throw new RowProblem('must be a JSON object {"inputs": {...}, "expected": ...}');
  const specs = manifest.inputs ?? [];
  const tensors = Array.isArray(line.inputs) ? line.inputs : tensorsOf(line.inputs, specs);
  const inputs = decodeInferRequest({ inputs: tensors }, { maxElements }).inputs;
  checkSignature(inputs, specs);
  return { inputs, expected: expectedOf(line.expected, task) };
}

function tensorsOf(value: unknown, specs: readonly InputSpec[]): unknown[] {
  if (!isJsonObject(value) || Object.keys(value).length === 0) {
    throw new RowProblem('"inputs" must be an object of input name → value (or a list of KServe v2 input tensors)');
  }
  return Object.entries(value).map(([name, given]) => {
    const spec = specs.find((s) => s.name === name);
    if (!spec && specs.length > 0) throw unknownInput(name, specs);
    const batch = spec?.shape?.[0] === -1 ? [1] : [];
    if (isJsonObject(given) && 'data' in given) {
      return { name, datatype: spec?.datatype, shape: batch.concat(dimensionsOf(given.data)), ...given, data: flatten(given.data) };
    }
    return { name, datatype: spec?.datatype, shape: batch.concat(dimensionsOf(given)), data: flatten(given) };
  });
}

function unknownInput(name: string, specs: readonly InputSpec[]): RowProblem {
  return new RowProblem(`input '${name}' is not an input of the model; its inputs are: ${specs.map((s) => s.name).join(', ')}`);
}

/** The dimensions of nested arrays (a scalar has none). */
function dimensionsOf(value: unknown): number[] {
  const dims: number[] = [];
  for (let node = value; Array.isArray(node); node = node[0]) dims.push(node.length);
  return dims;
}

function flatten(value: unknown): unknown[] {
  return Array.isArray(value) ? value.flatMap(flatten) : [value];
}

function checkSignature(inputs: readonly DecodedInput[], specs: readonly InputSpec[]): void {
  if (specs.length === 0) return;
  for (const input of inputs) {
    const spec = specs.find((s) => s.name === input.name);
    if (!spec) throw unknownInput(input.name, specs);
    if (spec.datatype !== undefined && spec.datatype !== input.datatype) {
      throw new RowProblem(`input '${input.name}': datatype ${input.datatype}, the model's is ${spec.datatype}`);
    }
    if (spec.shape !== undefined && !fits(input.shape, spec.shape)) {
      throw new RowProblem(`input '${input.name}': shape [${input.shape.join(', ')}] does not fit the model's [${spec.shape.join(', ')}] `
        + '(one example per line: a batch dimension of 1 where the model\'s shape starts with -1)');
    }
  }
  const missing = specs.filter((spec) => !inputs.some((input) => input.name === spec.name));
  if (missing.length > 0) throw new RowProblem(`input${missing.length > 1 ? 's' : ''} ${missing.map((s) => `'${s.name}'`).join(', ')} missing`);
}

function fits(shape: readonly number[], declared: readonly number[]): boolean {
  if (shape.length !== declared.length) return false;
  return declared.every((dim, i) => (i === 0 && dim === -1 ? shape[0] === 1 : dim === -1 || dim === shape[i]));
}

function expectedOf(value: unknown, task: Task): Expected {
  if (value === undefined) throw new RowProblem('"expected" is missing');
  switch (task.type) {
    case 'classification':
      if (typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value) && value >= 0)) return value;
      throw new RowProblem('"expected" must be a class: its label (a string) or its index (an integer)');
    case 'regression':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      throw new RowProblem('"expected" must be a finite number');
    case 'ranking':
      if (Array.isArray(value) && value.length > 0 && value.every((id) => typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)))) {
        return value as ReadonlyArray<string | number>;
      }
      throw new RowProblem('"expected" must be a non-empty list of the relevant ids');
  }
}
