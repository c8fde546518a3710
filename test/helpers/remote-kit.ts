import { stringify } from 'yaml';
import { rawInput } from './grpc-client.js';

/** A request for the fault upstream's `add-sub` model (Triton's `simple`): INPUT0 + INPUT1 and INPUT0 − INPUT1. */
export function addSubRequest(seed = 1): { inputs: Array<{ name: string; datatype: string; shape: number[]; data: number[] }> } {
  const row = (k: number) => Array.from({ length: 16 }, (_, i) => (i + seed) * k);
  return { inputs: [{ name: 'INPUT0', datatype: 'INT32', shape: [1, 16], data: row(2) }, { name: 'INPUT1', datatype: 'INT32', shape: [1, 16], data: row(1) }] };
}

/** `addSubRequest(seed)` as a gRPC ModelInfer request for `model`, tensors in raw_input_contents. */
export function addSubRpc(model: string, seed = 1): { model_name: string; inputs: unknown[]; raw_input_contents: Uint8Array[] } {
  const tensors = addSubRequest(seed).inputs.map((tensor) => rawInput(tensor));
  return { model_name: model, inputs: tensors.map((t) => t.input), raw_input_contents: tensors.map((t) => t.raw) };
}

/** What add-sub answers to `addSubRequest(seed)`. */
export function addSubAnswer(seed = 1): { OUTPUT0: number[]; OUTPUT1: number[] } {
  return { OUTPUT0: Array.from({ length: 16 }, (_, i) => (i + seed) * 3), OUTPUT1: Array.from({ length: 16 }, (_, i) => i + seed) };
}

/** model.yaml of a remote model on kserve servers (a test model repository's file map). */
export function kserveModel(servers: string[], options: {
  protocol?: 'http' | 'grpc'; model?: string; resilience?: object; fallback?: string[]; required?: boolean; cache?: object;
} = {}) {
  return {
    'model.yaml': stringify({
      backend: 'kserve',
      required: options.required ?? false,
      kserve: { protocol: options.protocol ?? 'http', servers, model: options.model ?? 'add-sub' },
      ...(options.resilience ? { resilience: options.resilience } : {}),
      ...(options.fallback ? { fallback: options.fallback } : {}),
      ...(options.cache ? { cache: options.cache } : {}),
    }),
  };
}

/** A `backend: openai` model.yaml on `baseUrl` (upstream model `fake-llm`, key from TUTOR_KEY), one attempt per call. */
export function openaiModel(baseUrl: string) {
  return {
    'model.yaml': stringify({
      backend: 'openai', required: false,
      openai: { base_urls: [baseUrl], model: 'fake-llm', api_key_env: 'TUTOR_KEY' },
      resilience: { retry: { max_attempts: 1 }, health_check_interval_ms: 0 },
    }),
  };
}
