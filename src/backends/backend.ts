import type { Datatype } from '../protocol/kserve/datatypes.js';
import type { Tensor } from '../protocol/tensor.js';
import type { PassThroughRoute } from '../protocol/openai/pass-through.js';
import type { BackendKind } from '../model/backend-kind.js';
import type { UpstreamControl } from '../resilience/upstream-control.js';

export type { BackendKind } from '../model/backend-kind.js';
export type { RepositoryControl, ServerStatus, UpstreamControl } from '../resilience/upstream-control.js';

/** One input or output of a model: name, datatype and shape, where -1 is a dimension of any size. */
export interface TensorSpec {
  readonly name: string;
  readonly datatype: Datatype;
  readonly shape: readonly number[];
  /** Other shapes an input takes beside `shape` (an LLM's prompt: TensorRT-LLM clients send [1,1]); not reported in metadata. */
  readonly alsoAccepts?: readonly (readonly number[])[];
}

/** What a loaded model takes and returns, as the backend found it. */
export interface ModelSignature {
  /** Platform string of the protocol's model metadata, e.g. `onnxruntime_onnx`. */
  readonly platform: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

/** What a backend needs to load one version of a model. */
export interface LoadRequest {
  readonly model: string;
  readonly version: string;
  /**
   * Absolute path of the artifact: for onnx the `.onnx` file; for the remote backends (kserve,
   * openai) a JSON endpoint descriptor (`RemoteDescriptor`, written by the registry from model.yaml).
   */
  readonly artifactPath: string;
  /** Remote backends: the servers to use in place of the descriptor's (the model's policy lists them). */
  readonly servers?: readonly string[];
}

/** One call into a loaded model. Inputs are already checked against the signature. */
export interface BackendInferRequest {
  readonly inputs: readonly Tensor[];
  /** Names of the outputs to return; every output when empty. */
  readonly outputs: readonly string[];
  /** The request's own `parameters` (KServe v2); the openai backend reads its sampling settings from them. */
  readonly parameters?: Readonly<Record<string, unknown>>;
}

export interface BackendInferResponse {
  readonly outputs: readonly Tensor[];
}

/** A model version held by a backend, ready to run. */
export interface LoadedModel {
  readonly signature: ModelSignature;
  /**
   * Runs this model can execute at once to good effect (for onnx, the worker count). The scheduler
   * keeps at most this many in flight and lets the rest queue, so that waiting requests merge into
   * larger batches instead of piling up inside the backend.
   */
  readonly concurrency: number;
  /**
   * Runs the model once. `signal` fires when the caller gave up (client gone, deadline); a backend
   * stops work it has not started and rejects with the signal's reason.
   */
  infer(request: BackendInferRequest, signal: AbortSignal): Promise<BackendInferResponse>;
  /** Frees what the version holds (sessions, connections). Called once no request uses it. */
  release(): Promise<void>;
  /**
   * Whether the data plane sends one warm-up request after loading (default true). Remote backends
   * say false: their servers are already warm, and a load must not depend on a live call.
   */
  readonly warmUp?: boolean;
  /**
   * True when the model takes BYTES inputs as text only (ONNX string tensors are UTF-8): a BYTES
   * element that is not UTF-8 is then refused with a 400 before the run. Remote backends leave it
   * unset and pass the bytes through unchanged.
   */
  readonly textOnlyBytes?: boolean;
  /** Present on remote backends: the servers behind this version, their health and breakers. */
  readonly upstream?: UpstreamControl;
  /** Present on the openai backend: the OpenAI-compatible calls (chat, embeddings). */
  readonly llm?: LlmEndpoint;
}

/**
 * The OpenAI-compatible calls of an LLM served by the openai backend. Bodies are the OpenAI wire
 * shapes (`src/protocol/openai/`), already checked; `model` in them is rewritten to the upstream's name.
 */
export interface LlmEndpoint {
  /** Non-streaming chat completion: the upstream's JSON body. */
  chat(body: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<Record<string, unknown>>;
  /**
   * Streaming chat completion: resolves once the upstream has started answering (retries happen
   * only before that), then yields each SSE `data:` payload (parsed JSON) until `[DONE]`. A stream
   * that ends without `[DONE]` or breaks throws, so that a truncated answer never looks finished.
   */
  chatStream(body: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<AsyncIterable<Record<string, unknown>>>;
  embeddings(body: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<Record<string, unknown>>;
  /** A route passed through as it is (`completions`, `responses`): the upstream's JSON body. */
  passThrough(route: PassThroughRoute, body: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<Record<string, unknown>>;
  /** A passed-through route, streamed: as `chatStream`; a Responses stream is complete at its last event (it sends no `[DONE]`). */
  passThroughStream(route: PassThroughRoute, body: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<AsyncIterable<Record<string, unknown>>>;
}

/**
 * A serving technology: loads model versions and owns the resources they share (worker pools,
 * clients). Adding a backend is its name in `src/model/backend-kind.ts`, one folder, its factory in
 * `backend-registry.ts` (the compiler asks for it) and a run of the shared contract suite
 * (`test/support/backends/backend-contract.ts`); a remote one is its client and descriptor over
 * `RemoteBackend` (`remote-backend.ts`).
 */
export interface Backend {
  readonly kind: BackendKind;
  /** Loads one version; rejects with a message that says why a broken artifact cannot serve. */
  load(request: LoadRequest): Promise<LoadedModel>;
  /** Releases shared resources. Loaded models must have been released first. */
  close(): Promise<void>;
}
