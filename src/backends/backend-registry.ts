import type { Backend, BackendKind } from './backend.js';
import { OnnxBackend } from './onnx/onnx-backend.js';

/** The part of the server's logger (pino) backends report to. */
export interface BackendLogger {
  warn(details: object, message: string): void;
}

/** What the backends are built with; each takes the part that concerns it. */
export interface BackendOptions {
  /** Worker threads of the onnx pool (one session of every onnx model per worker). */
  readonly workers: number;
  /** Threads ONNX Runtime may use inside one run. */
  readonly intraOpThreads: number;
  /** Where backends report what no request sees (a worker died and was replaced). */
  readonly logger?: BackendLogger;
}

export type BackendFactory = (options: BackendOptions) => Backend;

/** Every backend kind and how to build it; the compiler keeps this complete as kinds are added. */
export const BACKENDS: Record<BackendKind, BackendFactory> = {
  onnx: (options) => new OnnxBackend(options),
};

/** One backend of every kind. */
export function createBackends(options: BackendOptions): Record<BackendKind, Backend> {
  const entries = Object.entries(BACKENDS) as [BackendKind, BackendFactory][];
  return Object.fromEntries(entries.map(([kind, factory]) => [kind, factory(options)])) as Record<BackendKind, Backend>;
}
