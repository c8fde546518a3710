import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';

/** A loopback port free a moment ago, for a child process that must be told its port in advance. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
