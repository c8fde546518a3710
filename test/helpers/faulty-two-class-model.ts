import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;

const io = (name: string, width: number) => onnx.ValueInfoProto.create({
  name, type: { tensorType: { elemType: T.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: width }] } } },
});
const node = (opType: string, input: string[], output: string, attribute: object[] = []) => onnx.NodeProto.create({ opType, input, output: [output], attribute });
const scalar = (name: string, value: number) => onnx.TensorProto.create({ name, dataType: T.FLOAT, dims: [], floatData: [value] });
const toInt64 = onnx.AttributeProto.create({ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: T.INT64 });

function encode(name: string, nodes: object[], initializer: object[]): Uint8Array {
  const graph = onnx.GraphProto.create({
    name, node: nodes,
    initializer: [onnx.TensorProto.create({ name: 'w', dataType: T.FLOAT, dims: [1, 2], floatData: [1, -1] }), ...initializer],
    input: [io('x', 1)], output: [io('scores', 2)],
  });
  const model = onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph, producerName: 'umbral-test' });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * The signature of twoClassModel (`x` FP32 [N,1] → `scores` FP32 [N,2], x·[1, -1]) but every run
 * with an x other than 0 fails: scores also add w2[x·1000], and w2 holds one value. The warm-up
 * (zeros) passes, so the version loads, and its answers to real requests fail: a challenger that
 * errors.
 */
export function failingTwoClassModel(): Uint8Array {
  return encode('fails-unless-zero', [
    node('Mul', ['x', 'w'], 'xw'),
    node('Mul', ['x', 'thousand'], 'big'),
    node('Cast', ['big'], 'index', [toInt64]),
    node('Gather', ['w2', 'index'], 'picked'),
    node('Add', ['xw', 'picked'], 'scores'),
  ], [scalar('thousand', 1000), onnx.TensorProto.create({ name: 'w2', dataType: T.FLOAT, dims: [1], floatData: [0] })]);
}

/**
 * The signature and answers of twoClassModel([1, -1]), slowly: every run also multiplies a
 * `size`² matrix (which depends on the input, so nothing is folded away) by itself three times and
 * adds 0·its sum. A challenger that answers right, late.
 */
export function slowTwoClassModel(size = 700): Uint8Array {
  return encode('slow', [
    node('Mul', ['x', 'w'], 'xw'),
    node('ReduceSum', ['x'], 's', [onnx.AttributeProto.create({ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 })]),
    node('Mul', ['s', 'zero'], 's0'),
    node('Add', ['m', 's0'], 'a'),
    node('MatMul', ['a', 'a'], 'b'),
    node('MatMul', ['b', 'a'], 'c'),
    node('MatMul', ['c', 'a'], 'd'),
    node('ReduceSum', ['d'], 'total', [onnx.AttributeProto.create({ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 })]),
    node('Mul', ['total', 'zero'], 'nothing'),
    node('Add', ['xw', 'nothing'], 'scores'),
  ], [scalar('zero', 0), onnx.TensorProto.create({ name: 'm', dataType: T.FLOAT, dims: [size, size], rawData: new Uint8Array(size * size * 4) })]);
}
