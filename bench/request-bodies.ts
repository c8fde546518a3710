/** JSON request bodies of the bench. */
import { mulberry32 } from '../src/random/mulberry32.js';

/** Width of heavy-mlp's input rows. */
export const HEAVY_ROW_WIDTH = 256;

export function inferPath(model: string): string {
  return `/v2/models/${encodeURIComponent(model)}/infer`;
}

const SPAM_TEXT = 'Congratulations! You have won a FREE cruise\nClick here to claim your prize before midnight, no purchase needed.';

export function spamBody(): string {
  return JSON.stringify({ inputs: [{ name: 'text', datatype: 'BYTES', shape: [1], data: [SPAM_TEXT] }] });
}

/** The echo fixture takes one [1,3] tensor of every datatype and one string. */
export function echoBody(): string {
  const row = (datatype: string, name: string, data: unknown[]) => ({ name, datatype, shape: [1, 3], data });
  return JSON.stringify({
    inputs: [
      row('FP32', 'fp32', [0.5, -1.25, 3]), row('FP64', 'fp64', [0.1, 0.2, 0.3]), row('INT32', 'int32', [1, -2, 3]),
      row('INT64', 'int64', [4, 5, -6]), row('UINT8', 'uint8', [7, 8, 255]), row('BOOL', 'bool', [true, false, true]),
      { name: 'bytes', datatype: 'BYTES', shape: [1], data: ['hello'] },
    ],
  });
}

/**
 * `count` different bodies of `rows` rows each for heavy-mlp, with float32 values written the way a
 * Python client's `tolist()` writes them (shortest round-trip of the float32 as a double: ~18
 * characters).
 */
export function heavyBodies(count: number, rows: number, seed = 20240611): string[] {
  // Seeded, so that every run sends the same bodies.
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const data = Array.from({ length: rows * HEAVY_ROW_WIDTH }, () => Math.fround(random() * 2 - 1));
    return JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [rows, HEAVY_ROW_WIDTH], data }] });
  });
}
