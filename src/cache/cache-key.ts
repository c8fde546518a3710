import { createHash, type Hash } from 'node:crypto';
import type { Tensor } from '../protocol/tensor.js';

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
 * (gRPC) gives one key. Every field is length-prefixed: no two requests can run together into one.
 */
export function tensorRequestKey(scope: KeyScope, request: TensorRequest): string {
  const hash = scopedHash('tensor', scope);
  const inputs = [...request.inputs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  field(hash, String(inputs.length));
  for (const input of inputs) {
    field(hash, input.name);
    field(hash, input.datatype);
    field(hash, input.shape.join(','));
    field(hash, canonicalJson(input.parameters ?? {}));
    if (Array.isArray(input.data)) {
      field(hash, String(input.data.length));
      for (const text of input.data) field(hash, text);
    } else {
      const view = input.data as ArrayBufferView;
      bytes(hash, new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    }
  }
  field(hash, String(request.outputs.length));
  for (const output of request.outputs) {
    field(hash, output.name);
    field(hash, canonicalJson(output.parameters ?? {}));
  }
  field(hash, canonicalJson(request.parameters ?? {}));
  return hash.digest('base64url');
}

/** The key of a JSON request (an OpenAI chat or embeddings body), by `kind`: its canonical JSON hashed. */
export function jsonRequestKey(scope: KeyScope, kind: string, body: unknown): string {
  const hash = scopedHash(kind, scope);
  field(hash, canonicalJson(body));
  return hash.digest('base64url');
}

/** JSON with every object's keys sorted, so that key order never splits one request into two keys. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return item.toString();
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(item).sort()) sorted[key] = (item as Record<string, unknown>)[key];
    return sorted;
  }) ?? 'null';
}

function scopedHash(kind: string, scope: KeyScope): Hash {
  const hash = createHash('sha256');
  for (const part of [String(CACHE_SCHEMA_VERSION), kind, scope.model, scope.version, scope.namespace]) field(hash, part);
  return hash;
}

function field(hash: Hash, text: string): void {
  bytes(hash, Buffer.from(text, 'utf8'));
}

function bytes(hash: Hash, data: Uint8Array): void {
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32BE(data.byteLength);
  hash.update(length);
  hash.update(data);
}
