import type { BackendInferRequest, ModelSignature } from '../backends/backend.js';
import { allocateData, elementCount } from '../protocol/tensor.js';

/**
 * A one-row request of zeros (empty strings for BYTES) that fits the signature: run once before a
 * version takes traffic, so that its first real request does not pay for lazy initialisation.
 */
export function warmUpRequest(signature: ModelSignature): BackendInferRequest {
  const inputs = signature.inputs.map((spec) => {
    const shape = spec.shape.map((dim) => (dim === -1 ? 1 : dim));
    return { name: spec.name, datatype: spec.datatype, shape, data: allocateData(spec.datatype, elementCount(shape)) };
  });
  return { inputs, outputs: [] };
}
