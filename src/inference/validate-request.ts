import type { ModelSignature, TensorSpec } from '../backends/backend.js';
import { Errors } from '../errors/catalogue.js';
import { hasBinaryElement, type Tensor } from '../protocol/tensor.js';

/**
 * Checks a request's tensors against the model's signature before anything runs: every input known
 * and present once, datatypes equal, shapes of the right rank with fixed dimensions equal, no input
 * empty, one batch size across inputs and no larger than `maxBatchSize`, requested outputs known.
 * Returns the batch size (rows), or 1 for a model without a batch dimension.
 *
 * With `textOnlyBytes` (ONNX string tensors), a BYTES element that is not UTF-8 text is refused
 * naming the input; other backends take any bytes.
 *
 * An input without elements (a zero batch, shape [0, …], or any dimension 0) is refused for every
 * model, as Triton refuses a zero batch: there is nothing to compute, many ONNX kernels fail on an
 * empty tensor (the spam classifier's StringNormalizer does), and a made-up empty answer could not
 * know the other dimensions of outputs whose shape is variable.
 */
export function validateRequest(
  model: string,
  signature: ModelSignature,
  maxBatchSize: number,
  inputs: readonly Tensor[],
  outputs: readonly string[],
  textOnlyBytes = false,
): number {
  const specs = new Map(signature.inputs.map((spec) => [spec.name, spec]));
  const seen = new Set<string>();
  let batch: { size: number; input: string } | undefined;
  for (const input of inputs) {
    const spec = specs.get(input.name);
    if (!spec) throw Errors.unknownInput(input.name, model, [...specs.keys()]);
    if (seen.has(input.name)) throw Errors.duplicateInput(input.name);
    seen.add(input.name);
    checkTensor(input, spec);
    if (textOnlyBytes && hasBinaryElement(input.data)) throw Errors.bytesNotText(input.name, model);
    if (input.shape.includes(0)) throw Errors.emptyInput(input.name, input.shape.join(','));
    if (maxBatchSize > 0) {
      const rows = input.shape[0] ?? 0;
      if (rows > maxBatchSize) throw Errors.batchTooLarge(input.name, rows, maxBatchSize);
      if (batch && batch.size !== rows) {
        throw Errors.batchMismatch(`'${batch.input}' has ${batch.size} rows, '${input.name}' has ${rows}`);
      }
      batch ??= { size: rows, input: input.name };
    }
  }
  for (const name of specs.keys()) if (!seen.has(name)) throw Errors.missingInput(name, model);
  const known = signature.outputs.map((spec) => spec.name);
  for (const name of outputs) if (!known.includes(name)) throw Errors.unknownOutput(name, model, known);
  return batch?.size ?? 1;
}

function checkTensor(input: Tensor, spec: TensorSpec): void {
  if (input.datatype !== spec.datatype) throw Errors.datatypeMismatch(input.name, spec.datatype, input.datatype);
  const fits = (shape: readonly number[]) => input.shape.length === shape.length
    && shape.every((dim, i) => dim === -1 || dim === input.shape[i]);
  if (!fits(spec.shape) && !spec.alsoAccepts?.some(fits)) throw Errors.shapeMismatch(input.name, `[${spec.shape.join(',')}]`, input.shape.join(','));
}
