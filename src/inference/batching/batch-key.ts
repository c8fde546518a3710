import type { BackendInferRequest } from '../../backends/backend.js';

/**
 * What two requests must share to run as one batch: the same inputs (names, datatypes and every
 * dimension but the first), the same requested outputs and the same request parameters. Undefined for a request that can never
 * be merged (no inputs, or a scalar input without a batch dimension).
 */
export function batchKey(request: BackendInferRequest): string | undefined {
  if (request.inputs.length === 0 || request.inputs.some((tensor) => tensor.shape.length === 0)) return undefined;
  const inputs = request.inputs
    .map((tensor) => [tensor.name, tensor.datatype, tensor.shape.slice(1)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([inputs, [...request.outputs].sort(), request.parameters ?? {}]);
}

/** Rows of a request: the first dimension its inputs share (checked before it gets here). */
export function rowCount(request: BackendInferRequest): number {
  return request.inputs[0]?.shape[0] ?? 0;
}
