import type { Backend, BackendKind, LoadedModel, LoadRequest } from './backend.js';

/**
 * A backend whose module is imported on its first load: a deployment with only onnx models never
 * pays for the remote backends' clients (undici, cockatiel, gRPC stubs) at start.
 */
export function lazyBackend(kind: BackendKind, create: () => Promise<Backend>): Backend {
  let backend: Promise<Backend> | undefined;
  return {
    kind,
    async load(request: LoadRequest): Promise<LoadedModel> {
      backend ??= create();
      return (await backend).load(request);
    },
    async close(): Promise<void> {
      if (backend) await (await backend).close();
    },
  };
}
