import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * ONNX bytes of `x` FP32 [N,1] → `y` = k·x [N,1]: versions built with different k answer differently,
 * so a test can tell which version served a request from the answer alone. With `weightFloats`, the
 * graph also carries a zero weight of that many floats that every run reads (y = k·x + W[0·x]), so
 * that a leaked session of the version shows in resident memory.
 */
export function scaleModel(k: number, weightFloats = 0): Uint8Array {
  const T = onnx.TensorProto.DataType;
  const io = (name: string) => onnx.ValueInfoProto.create({
    name, type: { tensorType: { elemType: T.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: 1 }] } } },
  });
  const node = (opType: string, input: string[], output: string, attribute: object[] = []) =>
    onnx.NodeProto.create({ opType, input, output: [output], attribute });
  const constant = (name: string, value: number) => onnx.TensorProto.create({ name, dataType: T.FLOAT, dims: [], floatData: [value] });
  // The index is computed from the input, so that constant folding cannot drop the weight.
  const weighted = weightFloats > 0;
  const graph = onnx.GraphProto.create({
    name: `scale-${k}`,
    node: weighted ? [
      node('Mul', ['x', 'k'], 'kx'),
      node('Mul', ['x', 'zero'], 'zeros'),
      node('Cast', ['zeros'], 'index', [onnx.AttributeProto.create({ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: T.INT64 })]),
      node('Gather', ['w', 'index'], 'picked'),
      node('Add', ['kx', 'picked'], 'y'),
    ] : [node('Mul', ['x', 'k'], 'y')],
    initializer: [
      constant('k', k),
      ...(weighted ? [constant('zero', 0), onnx.TensorProto.create({ name: 'w', dataType: T.FLOAT, dims: [weightFloats], rawData: new Uint8Array(weightFloats * 4) })] : []),
    ],
    input: [io('x')],
    output: [io('y')],
  });
  const model = onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph, producerName: 'umbral-test' });
  return onnx.ModelProto.encode(model).finish();
}

/** Uploads a version through the admin API (multipart), optionally with its sha256 and an alias. */
export async function uploadVersion(
  url: string, model: string, bytes: Uint8Array,
  fields: { manifest?: unknown; sha256?: string; alias?: string; credential?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new FormData();
  if (fields.sha256) form.append('sha256', fields.sha256);
  if (fields.alias) form.append('alias', fields.alias);
  if (fields.manifest !== undefined) form.append('manifest', JSON.stringify(fields.manifest));
  form.append('artifact', new Blob([bytes]), 'model.onnx');
  const headers = fields.credential ? { authorization: `Bearer ${fields.credential}` } : undefined;
  const response = await fetch(`${url}/admin/models/${model}/versions`, { method: 'POST', body: form, headers });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

/** Sends one request with x = [[value]] and returns the version that answered and y. */
export async function inferScale(url: string, path: string, value: number) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], data: [value] }] }),
  });
  const body = await response.json() as { model_version?: string; outputs?: Array<{ data: number[] }>; error?: string };
  return { status: response.status, version: body.model_version, y: body.outputs?.[0]?.data[0], error: body.error };
}
