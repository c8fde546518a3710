import type { NumericData } from '../../protocol/tensor.js';
import type { OrtType } from './onnx-datatypes.js';

/**
 * The messages between the worker pool (main thread) and an onnx worker thread. Every request
 * carries an `id` that its one reply repeats. A worker handles its requests one at a time, in order.
 */

/** What a worker is started with (`workerData`). */
export interface WorkerSettings {
  /** `intraOpNumThreads` of every session the worker creates. */
  readonly intraOpThreads: number;
}

/** A tensor as it crosses the thread boundary, in ONNX Runtime's terms. */
export interface WireTensor {
  readonly name: string;
  readonly type: OrtType;
  readonly dims: readonly number[];
  /** Typed array, or strings for ONNX string tensors (text only: BYTES that are not UTF-8 never get here). */
  readonly data: NumericData | string[];
}

/** One input or output of a session as ONNX Runtime reports it. */
export interface WireValueInfo {
  readonly name: string;
  /** Element type name; null for a value that is not a tensor (sequence, map). */
  readonly type: string | null;
  /** Fixed dimensions as numbers, symbolic ones as their names. */
  readonly shape: readonly (number | string)[];
}

/** Inputs and outputs of a loaded session, as ONNX Runtime reports them. */
export interface SessionInfo {
  readonly inputs: readonly WireValueInfo[];
  readonly outputs: readonly WireValueInfo[];
}

export type PoolToWorker =
  /** Create a session of the file under `key`. */
  | { readonly kind: 'load'; readonly id: number; readonly key: string; readonly path: string }
  /** Run the session under `key`; an empty `fetches` means every output. */
  | { readonly kind: 'run'; readonly id: number; readonly key: string; readonly feeds: readonly WireTensor[]; readonly fetches: readonly string[] }
  /** Release the session under `key`, if the worker holds one. */
  | { readonly kind: 'release'; readonly id: number; readonly key: string }
  /** Release every session and end the thread once the reply is sent. */
  | { readonly kind: 'stop'; readonly id: number };

export type WorkerToPool =
  | ({ readonly kind: 'loaded'; readonly id: number } & SessionInfo)
  | { readonly kind: 'ran'; readonly id: number; readonly outputs: readonly WireTensor[] }
  | { readonly kind: 'released'; readonly id: number }
  | { readonly kind: 'stopped'; readonly id: number }
  /** The request failed inside ONNX Runtime; `message` is its error message. */
  | { readonly kind: 'failed'; readonly id: number; readonly message: string };

type WithoutId<M> = M extends unknown ? Omit<M, 'id'> : never;

/** A request without its id: what callers of a pool worker hand it. */
export type WorkerRequest = WithoutId<PoolToWorker>;

/** A reply, or the pool worker's own note that the thread died before replying. */
export type WorkerReply = WorkerToPool | { readonly kind: 'died'; readonly id: number; readonly message: string };
