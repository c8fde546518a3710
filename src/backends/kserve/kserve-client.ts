import type { InferCall } from '../../protocol/kserve/encode-infer-request.js';
import type { ModelMetadataResponse } from '../../protocol/kserve/wire-types.js';
import type { Tensor } from '../../protocol/tensor.js';

/** One inference as it travels upstream, its request `parameters` passed on unchanged. */
export type RemoteInfer = InferCall;

/** The model on the remote server: its name there, and the version to call (the server's default when absent). */
export interface RemoteModel {
  readonly name: string;
  readonly version?: string;
}

/**
 * One Open Inference Protocol server, over REST or gRPC. Every method throws UpstreamError for what
 * went wrong upstream, and the signal's reason when the caller gave up.
 */
export interface KserveClient {
  readonly url: string;
  /** `deadline` (epoch ms) travels upstream where the protocol carries one (gRPC); the signal enforces it everywhere. */
  infer(model: RemoteModel, request: RemoteInfer, signal: AbortSignal, deadline?: number): Promise<Tensor[]>;
  metadata(model: RemoteModel, signal: AbortSignal): Promise<ModelMetadataResponse>;
  /** The server and the model on it are ready. */
  ready(model: RemoteModel, signal: AbortSignal): Promise<boolean>;
  /** Triton's repository extension: every model the server knows, with its state. */
  repositoryIndex(signal: AbortSignal): Promise<Array<Record<string, unknown>>>;
  repositoryChange(model: string, action: 'load' | 'unload', signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
