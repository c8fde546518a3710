import type { BuiltModel } from './built-model.js';
import { encodeModel } from './encode-model.js';
import { mulberry32 } from '../../src/random/mulberry32.js';
import { node } from './node-proto.js';
import type { OnnxTypes } from './onnx.js';
import { floatTensor } from './tensor-proto.js';
import { ElemType, tensorInfo } from './value-info.js';

const SEED = 20240611;
/** Layer widths from input to output: 256 → 1024 → 1024 → 1024 → 10. */
const WIDTHS = [256, 1024, 1024, 1024, 10] as const;

/**
 * He (Kaiming) uniform weights, U(-√(6/fan_in), √(6/fan_in)): the uniform form needs only a square
 * root, which is exact everywhere, so the weights are the same bytes on every machine.
 */
function heUniform(fanIn: number, fanOut: number, random: () => number): Float32Array {
  const bound = Math.sqrt(6 / fanIn);
  const weights = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < weights.length; i++) weights[i] = (2 * random() - 1) * bound;
  return weights;
}

/**
 * `heavy-mlp`: a randomly initialised multilayer perceptron with a few million parameters. Its answers
 * mean nothing; it exists so the benchmark has a model whose cost is in compute, where batching pays.
 */
export function buildHeavyMlp(): BuiltModel {
  const random = mulberry32(SEED);
  const initializers: OnnxTypes.ITensorProto[] = [];
  const nodes: OnnxTypes.INodeProto[] = [];
  let parameters = 0;
  let previous = 'input';
  for (let layer = 0; layer < WIDTHS.length - 1; layer++) {
    const fanIn = WIDTHS[layer] as number;
    const fanOut = WIDTHS[layer + 1] as number;
    const last = layer === WIDTHS.length - 2;
    initializers.push(floatTensor(`w${layer}`, [fanIn, fanOut], heUniform(fanIn, fanOut, random)));
    initializers.push(floatTensor(`b${layer}`, [fanOut], new Float32Array(fanOut)));
    parameters += fanIn * fanOut + fanOut;
    const gemmOut = last ? 'logits' : `gemm${layer}`;
    nodes.push(node('Gemm', [previous, `w${layer}`, `b${layer}`], [gemmOut]));
    if (!last) nodes.push(node('Relu', [gemmOut], [`relu${layer}`]));
    previous = `relu${layer}`;
  }
  const onnx = encodeModel({
    name: 'heavy-mlp',
    docString: `Randomly initialised MLP ${WIDTHS.join('-')} for benchmarks (seed ${SEED}).`,
    opsets: { '': 13 },
    inputs: [tensorInfo('input', ElemType.FLOAT, ['N', WIDTHS[0]])],
    outputs: [tensorInfo('logits', ElemType.FLOAT, ['N', WIDTHS[WIDTHS.length - 1] as number])],
    initializers,
    nodes,
  });
  return {
    name: 'heavy-mlp',
    version: 1,
    onnx,
    config: {
      description: 'Compute-heavy benchmark model: a randomly initialised MLP (256-1024-1024-1024-10, ReLU). Its outputs carry no meaning.',
      max_batch_size: 64,
      dynamic_batching: { max_queue_delay_microseconds: 2000, preferred_batch_size: [32, 64] },
      metadata: {
        architecture: `MLP ${WIDTHS.join('-')}, ReLU between layers`,
        parameters,
        initialisation: 'He uniform weights, zero biases',
        prng: 'mulberry32',
        seed: SEED,
      },
    },
  };
}
