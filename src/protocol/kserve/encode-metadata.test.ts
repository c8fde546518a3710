import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeModelMetadata, encodeServerMetadata } from './encode-metadata.js';

describe('metadata builders', () => {
  it('builds $metadata_server_response with only its three keys', () => {
    const server = { name: 'umbral', version: '0.1.0', extensions: ['classification'], secret: 'x' };
    assert.deepEqual(encodeServerMetadata(server), { name: 'umbral', version: '0.1.0', extensions: ['classification'] });
  });

  it('builds $metadata_model_response in the spec key order, tensors with -1 for variable dimensions', () => {
    const body = encodeModelMetadata({
      name: 'ticket',
      versions: ['1', '2'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [-1, 1] }],
      outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 4], labels: ['a'] } as never],
    });
    assert.equal(JSON.stringify(body),
      '{"name":"ticket","versions":["1","2"],"platform":"onnxruntime_onnx",' +
      '"inputs":[{"name":"text","datatype":"BYTES","shape":[-1,1]}],' +
      '"outputs":[{"name":"probabilities","datatype":"FP32","shape":[-1,4]}]}');
  });

  it('leaves versions out when the model has none to offer (optional in the spec)', () => {
    const body = encodeModelMetadata({ name: 'm', platform: 'p', inputs: [], outputs: [] });
    assert.equal('versions' in body, false);
  });
});
