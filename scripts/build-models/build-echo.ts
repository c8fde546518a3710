import type { BuiltModel } from './built-model.js';
import { encodeModel } from './encode-model.js';
import { int, node } from './node-proto.js';
import { int64Tensor } from './tensor-proto.js';
import { ElemType, tensorInfo } from './value-info.js';

/** Every datatype the fixture echoes: input name, element type, shape. */
const ECHOED: ReadonlyArray<[string, ElemType, ReadonlyArray<string | number>]> = [
  ['fp32', ElemType.FLOAT, ['N', 3]],
  ['fp64', ElemType.DOUBLE, ['N', 3]],
  ['int32', ElemType.INT32, ['N', 3]],
  ['int64', ElemType.INT64, ['N', 3]],
  ['uint8', ElemType.UINT8, ['N', 3]],
  ['bool', ElemType.BOOL, ['N', 3]],
  ['bytes', ElemType.STRING, ['N']],
];

/**
 * The test fixture `echo`: returns each input unchanged as `<name>_out`, one per datatype, plus
 * `sum`, the row sums of `fp32`, so tests can tell a real computation from an echo.
 */
export function buildEcho(): BuiltModel {
  const onnx = encodeModel({
    name: 'echo',
    docString: 'Test fixture: echoes one input per datatype and sums the rows of fp32.',
    opsets: { '': 13 },
    inputs: ECHOED.map(([name, type, dims]) => tensorInfo(name, type, dims)),
    outputs: [
      ...ECHOED.map(([name, type, dims]) => tensorInfo(`${name}_out`, type, dims)),
      tensorInfo('sum', ElemType.FLOAT, ['N', 1]),
    ],
    initializers: [int64Tensor('sum_axes', [1], [1])],
    nodes: [
      ...ECHOED.map(([name]) => node('Identity', [name], [`${name}_out`])),
      node('ReduceSum', ['fp32', 'sum_axes'], ['sum'], { keepdims: int(1) }),
    ],
  });
  return {
    name: 'echo',
    version: 1,
    onnx,
    config: {
      description: 'Test fixture: echoes one input of every datatype and returns the row sums of fp32.',
      required: true,
      max_batch_size: 8,
      dynamic_batching: { max_queue_delay_microseconds: 5000 },
    },
  };
}
