import { ProtocolError } from './protocol-error.js';

/** The element count of `shape`, refused above the limit before anything is allocated (JSON and gRPC alike). */
export function checkedElementCount(input: string, shape: readonly number[], maxElements: number): number {
  if (shape.includes(0)) return 0;
  let count = 1;
  for (const dim of shape) {
    count *= dim;
    // Checked at every step, so that the product never leaves the exact integer range.
    if (count > maxElements) {
      throw new ProtocolError('invalid_shape',
        [input, `[${shape.join(',')}] holds more than the limit of ${maxElements} elements per input; send fewer rows per request`]);
    }
  }
  return count;
}
