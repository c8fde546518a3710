/**
 * Open Inference Protocol tensor datatypes and their sizes in bytes.
 * https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md#tensor-data-types
 */
export const DATATYPES = [
  'BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64',
  'FP16', 'FP32', 'FP64', 'BF16', 'BYTES',
] as const;

export type Datatype = (typeof DATATYPES)[number];

/** Bytes per element; BYTES is variable (0 here). */
export const DATATYPE_BYTES: Record<Datatype, number> = {
  BOOL: 1, UINT8: 1, UINT16: 2, UINT32: 4, UINT64: 8, INT8: 1, INT16: 2, INT32: 4, INT64: 8,
  FP16: 2, FP32: 4, FP64: 8, BF16: 2, BYTES: 0,
};

/** Datatypes that can travel as JSON numbers, booleans or strings (FP16 and BF16 need the binary form). */
export const JSON_DATATYPES: ReadonlySet<Datatype> = new Set<Datatype>([
  'BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP32', 'FP64', 'BYTES',
]);

export function isDatatype(value: unknown): value is Datatype {
  return typeof value === 'string' && (DATATYPES as readonly string[]).includes(value);
}
