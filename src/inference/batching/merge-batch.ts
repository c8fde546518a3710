import type { BackendInferRequest, BackendInferResponse } from '../../backends/backend.js';
import { Errors } from '../../errors/catalogue.js';
import { allocateData, elementCount, type BytesElement, type NumericData, type Tensor, type TensorData } from '../../protocol/tensor.js';

/** One request made of several compatible ones (see `batchKey`): inputs concatenated along dim 0. */
export function mergeRequests(requests: readonly BackendInferRequest[]): BackendInferRequest {
  const [first] = requests;
  if (!first) return { inputs: [], outputs: [] };
  const inputs = first.inputs.map((input) =>
    concatRows(requests.map((request) => request.inputs.find((t) => t.name === input.name) ?? input)));
  // Requests of one batch share their parameters (batch-key.ts).
  return { inputs, outputs: first.outputs, ...(first.parameters ? { parameters: first.parameters } : {}) };
}

/**
 * Splits the response of a merged run back into one response per request, by row counts. Every
 * output's first dimension must be the total of the rows; otherwise the model has no batch
 * dimension and the whole run fails.
 */
export function splitResponse(model: string, response: BackendInferResponse, rows: readonly number[]): BackendInferResponse[] {
  const total = rows.reduce((sum, n) => sum + n, 0);
  for (const output of response.outputs) {
    if (output.shape[0] !== total) {
      throw Errors.backendFailed(model, `output '${output.name}' has shape [${output.shape.join(', ')}], whose first `
        + `dimension is not the ${total} rows of the merged batch; a model without a batch dimension needs max_batch_size 0`);
    }
  }
  let start = 0;
  return rows.map((count) => {
    const outputs = response.outputs.map((output) => sliceRows(output, start, count));
    start += count;
    return { outputs };
  });
}

function concatRows(parts: readonly Tensor[]): Tensor {
  const [first] = parts as [Tensor, ...Tensor[]];
  const rest = first.shape.slice(1);
  const shape = [parts.reduce((sum, part) => sum + (part.shape[0] ?? 0), 0), ...rest];
  return { name: first.name, datatype: first.datatype, shape, data: concatData(parts.map((p) => p.data), first, elementCount(shape)) };
}

function concatData(parts: readonly TensorData[], first: Tensor, length: number): TensorData {
  if (Array.isArray(first.data)) return parts.flatMap((data) => data as BytesElement[]);
  const merged = allocateData(first.datatype, length) as NumericData;
  const target = new Uint8Array(merged.buffer, merged.byteOffset, merged.byteLength);
  let offset = 0;
  for (const data of parts as NumericData[]) {
    target.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    offset += data.byteLength;
  }
  return merged;
}

function sliceRows(tensor: Tensor, start: number, count: number): Tensor {
  const rest = tensor.shape.slice(1);
  const width = elementCount(rest);
  return { ...tensor, shape: [count, ...rest], data: tensor.data.slice(start * width, (start + count) * width) };
}
