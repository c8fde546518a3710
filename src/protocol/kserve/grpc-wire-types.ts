/**
 * The messages of umbral's `proto/inference.proto` (package `inference`, the Open Inference
 * Protocol's gRPC service) as @grpc/proto-loader hands them over and takes them back: snake_case
 * keys (`keepCase`), 64-bit integers as decimal strings (`longs: String`; numbers are accepted on the
 * way out), `bytes` as Buffer (any Uint8Array on the way out). Every field is optional: a message
 * decoded without `defaults` leaves empty fields out, and the codecs treat absent as empty.
 * https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_grpc.md
 */

/** An int64 or uint64 field. */
export type GrpcInt64 = string | number;

/** `InferParameter`: one of its fields is set (`oneof parameter_choice`). */
export interface GrpcInferParameter {
  readonly bool_param?: boolean;
  readonly int64_param?: GrpcInt64;
  readonly string_param?: string;
  readonly double_param?: number;
  readonly uint64_param?: GrpcInt64;
  /** Name of the field that is set (proto-loader `oneofs: true`); informative only. */
  readonly parameter_choice?: string;
}

/** `map<string, InferParameter>`. */
export type GrpcParameters = Readonly<Record<string, GrpcInferParameter>>;

/** `InferTensorContents`: the elements in the one field of the tensor's datatype. */
export interface GrpcTensorContents {
  readonly bool_contents?: readonly boolean[];
  readonly int_contents?: readonly number[];
  readonly int64_contents?: readonly GrpcInt64[];
  readonly uint_contents?: readonly number[];
  readonly uint64_contents?: readonly GrpcInt64[];
  readonly fp32_contents?: readonly number[];
  readonly fp64_contents?: readonly number[];
  readonly bytes_contents?: readonly Uint8Array[];
}

/** `ModelInferRequest.InferInputTensor`. */
export interface GrpcInferInputTensor {
  readonly name?: string;
  readonly datatype?: string;
  readonly shape?: readonly GrpcInt64[];
  readonly parameters?: GrpcParameters;
  /** null or absent when the request carries `raw_input_contents`. */
  readonly contents?: GrpcTensorContents | null;
}

/** `ModelInferRequest.InferRequestedOutputTensor`. */
export interface GrpcRequestedOutput {
  readonly name?: string;
  readonly parameters?: GrpcParameters;
}

/** `ModelInferRequest`. */
export interface GrpcModelInferRequest {
  readonly model_name?: string;
  /** Empty: the version the server picks. */
  readonly model_version?: string;
  readonly id?: string;
  readonly parameters?: GrpcParameters;
  readonly inputs?: readonly GrpcInferInputTensor[];
  readonly outputs?: readonly GrpcRequestedOutput[];
  /** One entry per input, in order, when used: little-endian elements (see raw-contents.ts). */
  readonly raw_input_contents?: readonly Uint8Array[];
}

/** `ModelInferResponse.InferOutputTensor`. */
export interface GrpcInferOutputTensor {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
  readonly parameters?: GrpcParameters;
  /** Absent when the response carries `raw_output_contents`. */
  readonly contents?: GrpcTensorContents;
}

/** `ModelInferResponse`. */
export interface GrpcModelInferResponse {
  readonly model_name: string;
  readonly model_version: string;
  /** The request's id; empty when it had none. */
  readonly id: string;
  readonly parameters: GrpcParameters;
  readonly outputs: readonly GrpcInferOutputTensor[];
  /** One entry per output, in order, or empty when the outputs carry `contents`. */
  readonly raw_output_contents: readonly Uint8Array[];
}

/** `ModelReadyRequest` and `ModelMetadataRequest`. */
export interface GrpcModelRequest {
  readonly name?: string;
  /** Empty: the version the server picks. */
  readonly version?: string;
}
