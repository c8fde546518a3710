import type { RemoteBackendKind } from './backend-kind.js';
import type { ModelConfig } from './model-config.js';

/**
 * The artifact of a remote model's version: its endpoint as canonical JSON (`{ backend, kserve |
 * openai, resilience }`, keys sorted), so that the same model.yaml section always hashes the same
 * and any change to it is a new version. The remote backend reads it back at load.
 */
export function remoteDescriptor(config: ModelConfig): Uint8Array {
  const kind = config.backend as RemoteBackendKind;
  const descriptor = { backend: kind, [kind]: config[kind] ?? {}, resilience: config.resilience ?? {} };
  return new TextEncoder().encode(canonicalJson(descriptor));
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
