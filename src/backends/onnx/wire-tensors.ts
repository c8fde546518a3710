import { Errors } from '../../errors/catalogue.js';
import { hasBinaryElement, type NumericData, type Tensor, type TensorData } from '../../protocol/tensor.js';
import { datatypeOfOrtType, ortTypeOfDatatype } from './onnx-datatypes.js';
import type { WireTensor } from './worker-messages.js';

/** A protocol tensor in ONNX Runtime's terms, ready to be posted to a worker. */
export function toWireTensor(model: string, tensor: Tensor): WireTensor {
  const type = ortTypeOfDatatype(tensor.datatype);
  if (!type) throw Errors.backendFailed(model, `input '${tensor.name}': datatype ${tensor.datatype} has no onnxruntime type`);
  // The data plane refuses such elements first (LoadedModel.textOnlyBytes); this keeps the promise local.
  if (hasBinaryElement(tensor.data)) throw Errors.bytesNotText(tensor.name, model);
  return { name: tensor.name, type, dims: tensor.shape, data: compact(tensor.data) };
}

/** A tensor a worker returned, as the protocol's datatype. */
export function fromWireTensor(model: string, tensor: WireTensor): Tensor {
  const datatype = datatypeOfOrtType(tensor.type);
  if (!datatype) throw Errors.backendFailed(model, `output '${tensor.name}' has element type '${tensor.type}', which umbral cannot return`);
  return { name: tensor.name, datatype, shape: tensor.dims, data: tensor.data };
}

/**
 * Posting a typed array copies its whole underlying buffer; a view into a larger one (a slice of a
 * request body) is copied down to its own bytes first.
 */
function compact(data: TensorData): NumericData | string[] {
  if (Array.isArray(data)) return data as string[];
  if (data.byteLength === data.buffer.byteLength) return data;
  return data.slice();
}
