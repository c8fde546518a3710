import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** What the guard reports (metrics). */
export interface ConnectionObserver {
  /** Open connections changed. */
  open(count: number): void;
  /** A connection was closed at once because its address already holds `maxPerAddress`. */
  refused(): void;
}

export interface ConnectionGuardOptions {
  /** Connections one client address may hold open at once; 0 = no cap. */
  readonly maxPerAddress: number;
  readonly observer?: ConnectionObserver;
}

/**
 * Caps the connections each client address holds open, so that one client holding sockets (slow
 * headers, idle keep-alive, abandoned uploads) cannot exhaust the process's file descriptors for
 * everyone else. A connection over the cap is destroyed as soon as it is accepted, before a byte of
 * it is read. The address is the TCP peer's: behind a load balancer that is the balancer's, so
 * `server.maxConnectionsPerAddress` must then leave room for its pool.
 */
export function guardConnections(server: Server, options: ConnectionGuardOptions): void {
  const byAddress = new Map<string, number>();
  let open = 0;
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const held = byAddress.get(address) ?? 0;
    if (options.maxPerAddress > 0 && held >= options.maxPerAddress) {
      options.observer?.refused();
      socket.destroy();
      return;
    }
    byAddress.set(address, held + 1);
    options.observer?.open(++open);
    socket.once('close', () => {
      const left = (byAddress.get(address) ?? 1) - 1;
      if (left === 0) byAddress.delete(address);
      else byAddress.set(address, left);
      options.observer?.open(--open);
    });
  });
}
