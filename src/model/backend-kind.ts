/**
 * Every backend kind a model may name, and where it serves from: `local`, in this process from a
 * version's artifact file; `remote`, from other servers named in a model.yaml section of the kind's
 * name (no version directories). The one list of kinds: the names and types below derive from it,
 * and the backends' factories (`src/backends/backend-registry.ts`) are a Record over it, so that
 * the compiler says what a new kind still lacks.
 */
const SERVES_FROM = { onnx: 'local', kserve: 'remote', openai: 'remote' } as const satisfies Record<string, 'local' | 'remote'>;

export type BackendKind = keyof typeof SERVES_FROM;

/** The kinds that serve from remote servers (kserve, openai). */
export type RemoteBackendKind = { [K in BackendKind]: (typeof SERVES_FROM)[K] extends 'remote' ? K : never }[BackendKind];

export const BACKEND_KINDS = Object.keys(SERVES_FROM) as readonly BackendKind[];

export function isRemoteKind(kind: BackendKind): kind is RemoteBackendKind {
  return SERVES_FROM[kind] === 'remote';
}

export const REMOTE_BACKEND_KINDS: readonly RemoteBackendKind[] = BACKEND_KINDS.filter(isRemoteKind);
