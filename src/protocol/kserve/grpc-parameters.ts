import type { GrpcInferParameter, GrpcParameters } from './grpc-wire-types.js';
import { ProtocolError } from './protocol-error.js';
import type { ParameterValue, Parameters } from './wire-types.js';

const EMPTY: Parameters = Object.freeze({});

/**
 * `map<string, InferParameter>` as the REST side's `$parameters`, so that the data plane reads one
 * form (e.g. `classification`). int64 and uint64 values become numbers when they are safe integers,
 * else their exact decimal string; a double must be finite, as in JSON.
 */
export function decodeGrpcParameters(value: GrpcParameters | undefined, path: string): Parameters {
  if (value === undefined) return EMPTY;
  // fromEntries defines own properties: a key such as `__proto__` is never assigned anywhere.
  return Object.fromEntries(Object.entries(value).map(([key, parameter]) => [key, decodeParameter(key, parameter, path)]));
}

function decodeParameter(key: string, parameter: GrpcInferParameter, path: string): ParameterValue {
  if (parameter.bool_param !== undefined) return parameter.bool_param;
  if (parameter.string_param !== undefined) return parameter.string_param;
  if (parameter.double_param !== undefined) {
    if (Number.isFinite(parameter.double_param)) return parameter.double_param;
    throw new ProtocolError('invalid_parameter', [key, `in ${path}: double_param must be finite, got ${parameter.double_param}`]);
  }
  const integer = parameter.int64_param ?? parameter.uint64_param;
  if (integer !== undefined) {
    const value = Number(integer);
    return Number.isSafeInteger(value) ? value : String(integer);
  }
  throw new ProtocolError('invalid_parameter',
    [key, `in ${path}: no value is set; set one of bool_param, int64_param, string_param, double_param, uint64_param`]);
}

/** `$parameters` as `map<string, InferParameter>`: integers as int64_param, other numbers as double_param. */
export function encodeGrpcParameters(parameters: Parameters | undefined): GrpcParameters {
  if (parameters === undefined) return {};
  return Object.fromEntries(Object.entries(parameters).map(([key, value]) => [key, encodeParameter(value)]));
}

function encodeParameter(value: ParameterValue): GrpcInferParameter {
  if (typeof value === 'boolean') return { bool_param: value };
  if (typeof value === 'string') return { string_param: value };
  return Number.isSafeInteger(value) ? { int64_param: value } : { double_param: value };
}
