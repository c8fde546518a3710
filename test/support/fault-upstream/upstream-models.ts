import type { MetadataTensor } from '../../../src/protocol/kserve/wire-types.js';
import type { Tensor } from '../../../src/protocol/tensor.js';
import { UpstreamError } from './upstream-error.js';

/**
 * The models a fault upstream serves. Both are deterministic, so a test can check every answer.
 *
 * - `add-sub` (Triton's classic `simple` model): inputs `INPUT0`, `INPUT1`, INT32, shape [-1, 16]
 *   (any batch of rows of 16; both inputs the same shape); outputs `OUTPUT0` = INPUT0 + INPUT1 and
 *   `OUTPUT1` = INPUT0 − INPUT1, INT32, the inputs' shape, wrapping on overflow as int32 does.
 * - `echo`: input `INPUT` of any datatype and any shape (metadata says BYTES [-1]); output `OUTPUT`
 *   is a copy, same datatype and shape.
 *
 * Each model has the one version "1".
 */
export interface UpstreamModel {
  /** The name in the protocol's paths and `model_name`. */
  readonly name: string;
  /** The versions served; the first answers requests that name none. */
  readonly versions: readonly string[];
  /** The `platform` of the model's metadata. */
  readonly platform: string;
  /** The inputs its metadata declares (-1: a dimension of any size). */
  readonly inputs: readonly MetadataTensor[];
  /** The outputs its metadata declares, in the order `run` returns them. */
  readonly outputs: readonly MetadataTensor[];
  /** Computes every output, in the order of `outputs`; throws an `invalid` UpstreamError for inputs it cannot take. */
  run(inputs: readonly Tensor[]): Tensor[];
}

const PLATFORM = 'umbral_fault_upstream';
const ROW = 16;

/** Triton's `simple`: elementwise sum and difference of two INT32 tensors of rows of 16. */
export const ADD_SUB: UpstreamModel = {
  name: 'add-sub',
  versions: ['1'],
  platform: PLATFORM,
  inputs: [{ name: 'INPUT0', datatype: 'INT32', shape: [-1, ROW] }, { name: 'INPUT1', datatype: 'INT32', shape: [-1, ROW] }],
  outputs: [{ name: 'OUTPUT0', datatype: 'INT32', shape: [-1, ROW] }, { name: 'OUTPUT1', datatype: 'INT32', shape: [-1, ROW] }],
  run(inputs) {
    const a = addSubInput(inputs, 'INPUT0');
    const b = addSubInput(inputs, 'INPUT1');
    if (a.shape.join() !== b.shape.join()) {
      throw new UpstreamError('invalid', `add-sub: INPUT0 has shape [${a.shape.join(', ')}] but INPUT1 [${b.shape.join(', ')}]; send both the same shape`);
    }
    const x = a.data as Int32Array;
    const y = b.data as Int32Array;
    const sum = new Int32Array(x.length);
    const difference = new Int32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      sum[i] = ((x[i] as number) + (y[i] as number)) | 0;
      difference[i] = ((x[i] as number) - (y[i] as number)) | 0;
    }
    return [
      { name: 'OUTPUT0', datatype: 'INT32', shape: a.shape, data: sum },
      { name: 'OUTPUT1', datatype: 'INT32', shape: a.shape, data: difference },
    ];
  },
};

/** Copies `INPUT` to `OUTPUT`, whatever its datatype and shape. */
export const ECHO: UpstreamModel = {
  name: 'echo',
  versions: ['1'],
  platform: PLATFORM,
  inputs: [{ name: 'INPUT', datatype: 'BYTES', shape: [-1] }],
  outputs: [{ name: 'OUTPUT', datatype: 'BYTES', shape: [-1] }],
  run(inputs) {
    const input = named(inputs, 'echo', 'INPUT');
    return [{ name: 'OUTPUT', datatype: input.datatype, shape: input.shape, data: input.data }];
  },
};

/** Every model a fault upstream serves, by name. */
export const UPSTREAM_MODELS: ReadonlyMap<string, UpstreamModel> = new Map([ADD_SUB, ECHO].map((model) => [model.name, model]));

function addSubInput(inputs: readonly Tensor[], name: string): Tensor {
  const input = named(inputs, 'add-sub', name);
  if (input.datatype !== 'INT32') throw new UpstreamError('invalid', `add-sub: ${name} must be INT32, got ${input.datatype}`);
  if (input.shape.length !== 2 || input.shape[1] !== ROW) {
    throw new UpstreamError('invalid', `add-sub: ${name} must have shape [-1, ${ROW}], got [${input.shape.join(', ')}]`);
  }
  return input;
}

function named(inputs: readonly Tensor[], model: string, name: string): Tensor {
  const input = inputs.find((tensor) => tensor.name === name);
  if (input === undefined) throw new UpstreamError('invalid', `${model}: expected input '${name}', got ${inputs.map((i) => `'${i.name}'`).join(', ')}`);
  return input;
}
