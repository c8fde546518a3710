/**
 * What each kind of protocol error carries: the arguments of the catalogue factory it maps to
 * (`server/protocol-error-to-umbral.ts`). `protocol/` imports nothing outside itself, so the codecs
 * throw this instead of a catalogue error.
 */
export interface ProtocolErrorArgs {
  /** A field of the body is missing or of the wrong type: JSON path, what to fix. */
  invalid_request: [path: string, problem: string];
  invalid_shape: [input: string, problem: string];
  /** An element, or the nesting of `data`, does not fit the datatype or the shape. */
  invalid_data: [input: string, problem: string];
  data_length_mismatch: [input: string, expected: number, actual: number];
  unsupported_datatype: [input: string, datatype: string];
  invalid_parameter: [name: string, problem: string];
  duplicate_input: [input: string];
  /** A BYTES output that is not UTF-8 text, asked for in JSON. */
  output_not_text: [output: string];
}

export type ProtocolErrorKind = keyof ProtocolErrorArgs;

/** A request that breaks the Open Inference Protocol; always the client's fault (a 4xx). */
export class ProtocolError<K extends ProtocolErrorKind = ProtocolErrorKind> extends Error {
  constructor(
    readonly kind: K,
    readonly args: ProtocolErrorArgs[K],
  ) {
    super(`${kind}: ${args.join(': ')}`);
    this.name = 'ProtocolError';
  }
}

export function isProtocolError(value: unknown): value is ProtocolError {
  return value instanceof ProtocolError;
}
