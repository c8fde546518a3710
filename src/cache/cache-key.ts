import { createHash } from 'node:crypto';
import type { BytesElement, Tensor } from '../protocol/tensor.js';

/**
 * Bumped whenever what a key covers, or how a cached value is encoded, changes: entries written by
 * an older umbral (another replica mid-rollout, a Redis that outlived a deploy) are then never read.
 */
export const CACHE_SCHEMA_VERSION = 1;

/** What a cached answer belongs to, besides the request itself. */
export interface KeyScope {
  readonly model: string;
  /** The version that serves (resolved from an alias or the default), never the alias. */
  readonly version: string;
  /** The caller's namespace: `*` when the model's answers are shared, the caller's id otherwise. */
  readonly namespace: string;
}

/** A tensor request as the key sees it: what can change the answer, and nothing else (not `id`). */
export interface TensorRequest {
  readonly inputs: readonly (Tensor & { readonly parameters?: Readonly<Record<string, unknown>> })[];
  readonly outputs: readonly { readonly name: string; readonly parameters?: Readonly<Record<string, unknown>> }[];
  readonly parameters?: Readonly<Record<string, unknown>>;
}

/**
 * The key of a tensor inference: SHA-256 over the scope and the canonical request. Inputs are named,
 * so their order does not matter and they are sorted; outputs keep their order (it is the answer's).
 * Tensor data is hashed as its raw bytes, so the same tensor sent as JSON (REST) or as raw contents
 * (gRPC) gives one key. Everything but the raw bytes goes into one JSON header, which records each
 * tensor's byte length: no two requests can run together into one hash input.
 */
export function tensorRequestKey(scope: KeyScope, request: TensorRequest): string {
  const inputs = [...request.inputs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const raw: Uint8Array[] = [];
  const header = JSON.stringify([
    CACHE_SCHEMA_VERSION, 'tensor', scope.model, scope.version, scope.namespace,
    inputs.map((input) => {
      let data: (string | { bytes: string })[] | number;
      if (Array.isArray(input.data)) data = input.data.map(bytesKey);
      else {
        const view = input.data as ArrayBufferView;
        raw.push(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
        data = view.byteLength;
      }
      return [input.name, input.datatype, input.shape, canonicalJson(input.parameters), data];
    }),
    request.outputs.map((output) => [output.name, canonicalJson(output.parameters)]),
    canonicalJson(request.parameters),
  ]);
  const hash = createHash('sha256').update(header);
  for (const bytes of raw) hash.update(bytes);
  return hash.digest('base64url');
}

/**
 * A BYTES element as the key's header holds it: the text itself, or the base64 of bytes that are not
 * UTF-8 (elements are canonical, see BytesElement, so equal bytes give one key however they came).
 */
function bytesKey(element: BytesElement): string | { bytes: string } {
  return typeof element === 'string' ? element : { bytes: Buffer.from(element.buffer, element.byteOffset, element.byteLength).toString('base64') };
}

/** The key of a JSON request (an OpenAI chat or embeddings body), by `kind`: its canonical JSON hashed. */
export function jsonRequestKey(scope: KeyScope, kind: string, body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([CACHE_SCHEMA_VERSION, kind, scope.model, scope.version, scope.namespace, canonicalJson(body)]))
    .digest('base64url');
}

/** JSON with every object's keys sorted, so that key order never splits one request into two keys. */
export function canonicalJson(value: unknown): string {
  if (value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value) && isEmpty(value))) return '{}';
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return item.toString();
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(item).sort()) sorted[key] = (item as Record<string, unknown>)[key];
    return sorted;
  }) ?? 'null';
}

function isEmpty(object: object): boolean {
  for (const _key in object) return false;
  return true;
}
