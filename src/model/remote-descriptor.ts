import type { RemoteBackendKind } from './backend-kind.js';
import { canonicalJson } from './canonical-json.js';
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
