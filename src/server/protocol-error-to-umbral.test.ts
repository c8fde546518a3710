import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Errors } from '../errors/catalogue.js';
import { ProtocolError, type ProtocolErrorArgs, type ProtocolErrorKind } from '../protocol/kserve/protocol-error.js';
import { protocolErrorToUmbral } from './protocol-error-to-umbral.js';

const SAMPLES: { readonly [K in ProtocolErrorKind]: readonly [ProtocolErrorArgs[K], { code: string }] } = {
  invalid_request: [['inputs', 'must be an array'], Errors.invalidRequest],
  invalid_shape: [['x', 'dimension 0 must be a non-negative integer'], Errors.invalidShape],
  invalid_data: [['x', 'element 3: expected a string'], Errors.invalidData],
  data_length_mismatch: [['x', 3, 1], Errors.dataLengthMismatch],
  unsupported_datatype: [['x', 'FP16'], Errors.unsupportedDatatype],
  invalid_parameter: [['k', 'must be a string'], Errors.invalidParameter],
  duplicate_input: [['x'], Errors.duplicateInput],
  output_not_text: [['image'], Errors.outputNotText],
};

describe('protocolErrorToUmbral', () => {
  for (const kind of Object.keys(SAMPLES) as ProtocolErrorKind[]) {
    it(`maps ${kind} to its catalogue error, a 4xx (400, or 406 for an answer JSON cannot carry) with the same message`, () => {
      const [args, factory] = SAMPLES[kind];
      const error = protocolErrorToUmbral(new ProtocolError(kind, args));
      assert.equal(error.code, factory.code);
      assert.equal(error.status, kind === 'output_not_text' ? 406 : 400);
      assert.equal(error.exposed, true);
      const expected = (factory as unknown as (...a: unknown[]) => { message: string })(...args);
      assert.equal(error.message, expected.message);
    });
  }

  it('keeps the data length numbers in the message', () => {
    const error = protocolErrorToUmbral(new ProtocolError('data_length_mismatch', ['input1', 3, 1]));
    assert.match(error.message, /input 'input1': shape holds 3 elements but data has 1/);
  });
});
