import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * ONNX bytes of a two-class "classifier": `input` FP32 [N,1] → `scores` FP32 [N,2] = x·[a, b].
 * With labels ['ham', 'spam'], weights [1, -1] predict ham for x > 0 and [-1, 1] spam: versions
 * that agree or disagree on purpose. `tag` changes the bytes only (the registry refuses an
 * artifact it already holds), so two versions can answer identically.
 */
export function twoClassModel(weights: readonly [number, number], options: { input?: string; tag?: string } = {}): Uint8Array {
  const T = onnx.TensorProto.DataType;
  const input = options.input ?? 'x';
  const graph = onnx.GraphProto.create({
    name: `two-class-${weights.join('_')}`, docString: options.tag ?? '',
    node: [onnx.NodeProto.create({ opType: 'Mul', input: [input, 'w'], output: ['scores'] })],
    initializer: [onnx.TensorProto.create({ name: 'w', dataType: T.FLOAT, dims: [1, 2], floatData: [...weights] })],
    input: [onnx.ValueInfoProto.create({ name: input, type: { tensorType: { elemType: T.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: 1 }] } } } })],
    output: [onnx.ValueInfoProto.create({ name: 'scores', type: { tensorType: { elemType: T.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: 2 }] } } } })],
  });
  const model = onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph, producerName: 'umbral-test' });
  return onnx.ModelProto.encode(model).finish();
}

/** The manifest the two-class versions are pushed with: labelled scores, batched by umbral. */
export const TWO_CLASS_MANIFEST = { labels: { scores: ['ham', 'spam'] }, serving: { max_batch_size: 64 } };
