import { BACKEND_KINDS } from '../model/backend-kind.js';
import type { Backend, BackendKind } from './backend.js';
import { lazyBackend } from './lazy-backend.js';
import { OnnxBackend } from './onnx/onnx-backend.js';
import type { UpstreamObserver } from '../resilience/upstream-observer.js';

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
  /** Environment variables a remote model names (`api_key_env`); never logged. */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  /** Receives the remote backends' attempts, retries, breaker and health changes (metrics). */
  readonly upstreamObserver?: UpstreamObserver;
}

export type BackendFactory = (options: BackendOptions) => Backend;

/** How to build a backend of each kind (`src/model/backend-kind.ts`): a Record, so that the compiler asks for a new kind's factory. */
export const BACKENDS: Record<BackendKind, BackendFactory> = {
  onnx: (options) => new OnnxBackend(options),
  kserve: (options) => lazyBackend('kserve', async () => new (await import('./kserve/kserve-backend.js')).KserveBackend(options)),
  openai: (options) => lazyBackend('openai', async () => new (await import('./openai/openai-backend.js')).OpenAiBackend(options)),
};

/** One backend of every kind. */
export function createBackends(options: BackendOptions): Record<BackendKind, Backend> {
  return Object.fromEntries(BACKEND_KINDS.map((kind) => [kind, BACKENDS[kind](options)])) as Record<BackendKind, Backend>;
}
