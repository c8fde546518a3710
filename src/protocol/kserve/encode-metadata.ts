import type { MetadataTensor, ModelMetadataResponse, ServerMetadataResponse } from './wire-types.js';

/**
 * Builders of the metadata bodies. They copy only the protocol's fields, so that a richer object
 * (a signature with labels, a config) never leaks extra keys onto the wire.
 */

/** `$metadata_server_response`; `extensions` lists e.g. "classification" (Triton's names). */
export function encodeServerMetadata(server: {
  readonly name: string;
  readonly version: string;
  readonly extensions: readonly string[];
}): ServerMetadataResponse {
  return { name: server.name, version: server.version, extensions: [...server.extensions] };
}

/** `$metadata_model_response`; `versions` is left out when undefined (the spec makes it optional). */
export function encodeModelMetadata(model: {
  readonly name: string;
  readonly versions?: readonly string[];
  readonly platform: string;
  readonly inputs: readonly MetadataTensor[];
  readonly outputs: readonly MetadataTensor[];
}): ModelMetadataResponse {
  const tensors = { inputs: model.inputs.map(encodeTensorMetadata), outputs: model.outputs.map(encodeTensorMetadata) };
  return model.versions === undefined
    ? { name: model.name, platform: model.platform, ...tensors }
    : { name: model.name, versions: [...model.versions], platform: model.platform, ...tensors };
}

/** `$metadata_tensor`: name, datatype, shape (-1 = any size). */
export function encodeTensorMetadata(tensor: MetadataTensor): MetadataTensor {
  return { name: tensor.name, datatype: tensor.datatype, shape: [...tensor.shape] };
}
