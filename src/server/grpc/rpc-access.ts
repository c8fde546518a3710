import type { Metadata } from '@grpc/grpc-js';
import type { CredentialHeaders } from '../../access/authenticator.js';
import type { Caller } from '../grant-access.js';

/** An RPC as access control sees it: credentials from the call metadata, the address from the peer. */
export function rpcCaller(metadata: Metadata, peer: string, model: string | undefined): Caller {
  return { credentials: credentials(metadata), address: peerAddress(peer), model };
}

/** `authorization` or `x-api-key`, as the HTTP headers of the same names. */
function credentials(metadata: Metadata): CredentialHeaders {
  return { authorization: single(metadata, 'authorization'), 'x-api-key': single(metadata, 'x-api-key') };
}

/** One value, or all of them so that the authenticator refuses a credential sent twice. */
function single(metadata: Metadata, key: string): string | string[] | undefined {
  const values = metadata.get(key).map(String);
  return values.length <= 1 ? values[0] : values;
}

/** `127.0.0.1:5000` → `127.0.0.1`, `::1:5000` and `[::1]:5000` → `::1`: the address keys anonymous limits. */
export function peerAddress(peer: string): string {
  return peer.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
}
