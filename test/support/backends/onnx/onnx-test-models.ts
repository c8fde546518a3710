import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto, { type onnx as Onnx } from 'onnx-proto';
import type { Tensor } from '../../../../src/protocol/tensor.js';

/**
 * Small ONNX models for tests, built here with onnx-proto so that the tests depend on no artifact
 * in the repository. Only tests import this file.
 */
const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;

/** Element types of `allTypes`: ONNX Runtime's name and the ONNX enum value. */
export const ALL_TYPES = {
  bool: T.BOOL, int8: T.INT8, int16: T.INT16, int32: T.INT32, int64: T.INT64,
  uint8: T.UINT8, uint16: T.UINT16, uint32: T.UINT32, uint64: T.UINT64,
  float16: T.FLOAT16, float32: T.FLOAT, float64: T.DOUBLE, string: T.STRING,
} as const;

/** Width of the heavy model's rows and matrices. */
export const HEAVY_WIDTH = 256;

export interface TestModels {
  /** The temporary directory that holds them. */
  readonly dir: string;
  /** `x` FP32 [N,4] → `y` = 2x [N,4], `s` = sum of each row [N,1]. */
  readonly doubleSum: string;
  /** `text` BYTES [N] → `echo`, the same strings. */
  readonly strings: string;
  /** For each type t of ALL_TYPES: `in_t` [N] → `out_t`, the same values. */
  readonly allTypes: string;
  /** A bfloat16 identity: a type onnxruntime-node cannot exchange. */
  readonly bfloat16: string;
  /** `x` FP32 [N] → `seq`, a sequence of tensors: not a tensor output. */
  readonly sequence: string;
  /** `x` FP32 [N, HEAVY_WIDTH] through 32 matrix products: slow enough to watch a run. */
  readonly heavy: string;
  /** `x` FP32 [N, 1024] → `y` = x·W with a 4 MiB weight: a leaked session shows in resident memory. */
  readonly large: string;
  /** Bytes that are not a model. */
  readonly corrupt: string;
}

/** Writes every test model into a new temporary directory. */
export async function writeTestModels(): Promise<TestModels> {
  const dir = await mkdtemp(join(tmpdir(), 'umbral-onnx-'));
  const models = {
    doubleSum: doubleSumModel(), strings: identityModel([['text', 'echo', T.STRING]]),
    allTypes: identityModel(Object.entries(ALL_TYPES).map(([name, type]) => [`in_${name}`, `out_${name}`, type])),
    bfloat16: identityModel([['x', 'y', T.BFLOAT16]]), sequence: sequenceModel(), heavy: heavyModel(), large: largeModel(),
  };
  const paths: Record<string, string> = {};
  for (const [name, model] of Object.entries(models)) {
    paths[name] = join(dir, `${name}.onnx`);
    await writeFile(paths[name], onnx.ModelProto.encode(model).finish());
  }
  const corrupt = join(dir, 'corrupt.onnx');
  await writeFile(corrupt, 'this is not a protobuf message');
  return { ...(paths as Record<keyof typeof models, string>), corrupt, dir };
}

/** Input `x` of the double-sum model (two rows whose values depend on i) and its outputs. */
export function doubleSumSample(i: number): { x: Tensor; y: Tensor; s: Tensor } {
  const x = Float32Array.from([i, i + 1, i + 2, i + 3, -i, 0.5, 10 * i, 1]);
  const sums = [4 * i + 6, 9 * i + 1.5];
  return {
    x: { name: 'x', datatype: 'FP32', shape: [2, 4], data: x },
    y: { name: 'y', datatype: 'FP32', shape: [2, 4], data: x.map((v) => v * 2) },
    s: { name: 's', datatype: 'FP32', shape: [2, 1], data: Float32Array.from(sums) },
  };
}

function tensorInfo(name: string, elemType: number, dims: (number | string)[]): Onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

function model(graph: Onnx.IGraphProto, opset = 13): Onnx.ModelProto {
  return onnx.ModelProto.create({ irVersion: 7, producerName: 'umbral-tests', opsetImport: [{ domain: '', version: opset }], graph });
}

function doubleSumModel(): Onnx.ModelProto {
  return model({
    name: 'double_sum',
    node: [
      { opType: 'Mul', input: ['x', 'two'], output: ['y'] },
      { opType: 'ReduceSum', input: ['x', 'axes'], output: ['s'], attribute: [{ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] },
    ],
    initializer: [
      { name: 'two', dataType: T.FLOAT, dims: [], floatData: [2] },
      { name: 'axes', dataType: T.INT64, dims: [1], int64Data: [1] },
    ],
    input: [tensorInfo('x', T.FLOAT, ['N', 4])],
    output: [tensorInfo('y', T.FLOAT, ['N', 4]), tensorInfo('s', T.FLOAT, ['N', 1])],
  });
}

function identityModel(pairs: [string, string, number][]): Onnx.ModelProto {
  return model({
    name: 'identity',
    node: pairs.map(([input, output]) => ({ opType: 'Identity', input: [input], output: [output] })),
    input: pairs.map(([input, , type]) => tensorInfo(input, type, ['N'])),
    output: pairs.map(([, output, type]) => tensorInfo(output, type, ['N'])),
  }, 14);
}

function sequenceModel(): Onnx.ModelProto {
  return model({
    name: 'sequence',
    node: [{ opType: 'SequenceConstruct', input: ['x'], output: ['seq'] }],
    input: [tensorInfo('x', T.FLOAT, ['N'])],
    output: [{ name: 'seq', type: { sequenceType: { elemType: { tensorType: { elemType: T.FLOAT } } } } }],
  });
}

function heavyModel(depth = 32): Onnx.ModelProto {
  // Every weight 1/width: each product keeps the row mean, so values neither vanish nor explode.
  const weights = new Array<number>(HEAVY_WIDTH * HEAVY_WIDTH).fill(1 / HEAVY_WIDTH);
  const node = Array.from({ length: depth }, (_, i) => ({
    opType: 'MatMul', input: [i === 0 ? 'x' : `h${i}`, 'w'], output: [i === depth - 1 ? 'y' : `h${i + 1}`],
  }));
  return model({
    name: 'heavy',
    node,
    initializer: [{ name: 'w', dataType: T.FLOAT, dims: [HEAVY_WIDTH, HEAVY_WIDTH], floatData: weights }],
    input: [tensorInfo('x', T.FLOAT, ['N', HEAVY_WIDTH])],
    output: [tensorInfo('y', T.FLOAT, ['N', HEAVY_WIDTH])],
  });
}

function largeModel(width = 1024): Onnx.ModelProto {
  const weights = new Float32Array(width * width).fill(1 / width);
  return model({
    name: 'large',
    node: [{ opType: 'MatMul', input: ['x', 'w'], output: ['y'] }],
    initializer: [{ name: 'w', dataType: T.FLOAT, dims: [width, width], rawData: new Uint8Array(weights.buffer) }],
    input: [tensorInfo('x', T.FLOAT, ['N', width])],
    output: [tensorInfo('y', T.FLOAT, ['N', width])],
  });
}
