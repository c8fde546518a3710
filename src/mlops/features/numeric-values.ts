import type { Tensor } from '../../protocol/tensor.js';

/**
 * A numeric tensor's elements as numbers (INT64 and UINT64 through Number, BOOL as 0/1); undefined
 * for BYTES and for the half-precision datatypes, whose storage is raw 16-bit words.
 */
export function numericValues(tensor: Tensor): ArrayLike<number> | undefined {
  if (Array.isArray(tensor.data) || tensor.datatype === 'FP16' || tensor.datatype === 'BF16') return undefined;
  const data = tensor.data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Array.from(data, Number);
  return data as ArrayLike<number>;
}
