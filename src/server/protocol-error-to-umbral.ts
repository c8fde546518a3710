import { Errors } from '../errors/catalogue.js';
import type { UmbralError } from '../errors/umbral-error.js';
import type { ProtocolError, ProtocolErrorArgs, ProtocolErrorKind } from '../protocol/kserve/protocol-error.js';

/** The catalogue factory of each protocol error kind; the compiler keeps it complete and the arguments matched. */
const FACTORIES: { readonly [K in ProtocolErrorKind]: (...args: ProtocolErrorArgs[K]) => UmbralError } = {
  invalid_request: Errors.invalidRequest,
  invalid_shape: Errors.invalidShape,
  invalid_data: Errors.invalidData,
  data_length_mismatch: Errors.dataLengthMismatch,
  unsupported_datatype: Errors.unsupportedDatatype,
  invalid_parameter: Errors.invalidParameter,
  duplicate_input: Errors.duplicateInput,
  output_not_text: Errors.outputNotText,
};

/** The catalogue error a codec's ProtocolError stands for (4xx with a message that says what to fix: 400s, and a 406 for an answer JSON cannot carry). */
export function protocolErrorToUmbral<K extends ProtocolErrorKind>(error: ProtocolError<K>): UmbralError {
  const factory: (...args: ProtocolErrorArgs[K]) => UmbralError = FACTORIES[error.kind];
  return factory(...error.args);
}
