import type { Datatype } from './datatypes.js';

/**
 * The JSON bodies of the Open Inference Protocol's REST API, as they travel.
 * https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md
 */

/** `$parameter`: a value is a string, a number or a boolean; the core spec defines no keys. */
export type ParameterValue = string | number | boolean;

/** `$parameters`. */
export type Parameters = Readonly<Record<string, ParameterValue>>;

/** `$metadata_server_response` (GET /v2). */
export interface ServerMetadataResponse {
  readonly name: string;
  readonly version: string;
  readonly extensions: readonly string[];
}

/** `$metadata_tensor`: one input or output of a model; -1 marks a dimension of any size. */
export interface MetadataTensor {
  readonly name: string;
  readonly datatype: Datatype;
  readonly shape: readonly number[];
}

/** `$metadata_model_response` (GET /v2/models/{name}[/versions/{version}]). */
export interface ModelMetadataResponse {
  readonly name: string;
  readonly versions?: readonly string[];
  readonly platform: string;
  readonly inputs: readonly MetadataTensor[];
  readonly outputs: readonly MetadataTensor[];
}

/** `$tensor_data` of a request: row-major, flat or nested to the tensor's shape. */
export type RequestTensorData = readonly (ParameterValue | RequestTensorData)[];

/** `$request_input`. */
export interface RequestInput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly datatype: Datatype;
  readonly parameters?: Parameters;
  readonly data: RequestTensorData;
}

/** `$request_output`: an output the client wants back, with per-output parameters (e.g. `classification`). */
export interface RequestOutput {
  readonly name: string;
  readonly parameters?: Parameters;
}

/** `$inference_request`. */
export interface InferenceRequest {
  readonly id?: string;
  readonly parameters?: Parameters;
  readonly inputs: readonly RequestInput[];
  /** Omitted: every output of the model. */
  readonly outputs?: readonly RequestOutput[];
}

/**
 * `$tensor_data` of a response: always flat. `null` stands for a float that JSON cannot carry
 * (NaN, ±Infinity); see encode-infer-response.ts.
 */
export type ResponseTensorData = readonly (number | string | boolean | null)[];

/** `$response_output`. */
export interface ResponseOutput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly datatype: Datatype;
  readonly parameters?: Parameters;
  readonly data: ResponseTensorData;
}

/** `$inference_response`. */
export interface InferenceResponse {
  readonly model_name: string;
  readonly model_version?: string;
  /** Present when the request had one: the server echoes it. */
  readonly id?: string;
  readonly parameters?: Parameters;
  readonly outputs: readonly ResponseOutput[];
}

/** `$inference_error_response` and the metadata error objects: every failure has this body. */
export interface ErrorResponse {
  readonly error: string;
}
