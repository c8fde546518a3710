import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * ONNX bytes of `x` FP32 [N,1] → `y` = k·x [N,1]: versions built with different k answer differently,
 * so a test can tell which version served a request from the answer alone.
 */
export function scaleModel(k: number): Uint8Array {
  const T = onnx.TensorProto.DataType;
  const io = (name: string) => onnx.ValueInfoProto.create({
    name, type: { tensorType: { elemType: T.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: 1 }] } } },
  });
  const graph = onnx.GraphProto.create({
    name: `scale-${k}`,
    node: [onnx.NodeProto.create({ opType: 'Mul', input: ['x', 'k'], output: ['y'] })],
    initializer: [onnx.TensorProto.create({ name: 'k', dataType: T.FLOAT, dims: [], floatData: [k] })],
    input: [io('x')],
    output: [io('y')],
  });
  const model = onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph, producerName: 'umbral-test' });
  return onnx.ModelProto.encode(model).finish();
}

/** Uploads a version through the admin API (multipart), optionally with its sha256 and an alias. */
export async function uploadVersion(
  url: string, model: string, bytes: Uint8Array,
  fields: { manifest?: unknown; sha256?: string; alias?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new FormData();
  if (fields.sha256) form.append('sha256', fields.sha256);
  if (fields.alias) form.append('alias', fields.alias);
  if (fields.manifest !== undefined) form.append('manifest', JSON.stringify(fields.manifest));
  form.append('artifact', new Blob([bytes]), 'model.onnx');
  const response = await fetch(`${url}/admin/models/${model}/versions`, { method: 'POST', body: form });
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
