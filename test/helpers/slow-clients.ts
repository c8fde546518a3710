/**
 * An attacker in a process of its own (a process may hold only so many sockets): opens `count`
 * connections to a port from `localAddress`, each a slow client, and holds them. Kinds:
 * - `body`: full headers of a POST announcing a 1 MB body, no credential, then one byte;
 * - `headers`: the start of a request's headers, never finished.
 * Reports to its parent (IPC) `{ opened, closed, failed }` once every connection was tried, then each
 * time all of them are closed; on any message it destroys what it holds and exits.
 *
 * Usage: node slow-clients.js <port> <localAddress> <count> <body|headers>
 */
import { connect, type Socket } from 'node:net';

const [portText, localAddress, countText, kind] = process.argv.slice(2);
const port = Number(portText);
const count = Number(countText);
const BATCH = 100;

const REQUESTS: Record<string, string> = {
  body: 'POST /v2/models/spam-classifier/infer HTTP/1.1\r\nHost: umbral\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{',
  headers: 'POST /v2/models/spam-classifier/infer HTTP/1.1\r\nHost: umbral\r\n',
};

const sockets = new Set<Socket>();
const tally = { opened: 0, closed: 0, failed: 0 };
let tried = false;

function report(): void {
  process.send?.({ ...tally, tried });
}

function open(): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    let connected = false;
    sockets.add(socket);
    socket.once('connect', () => {
      connected = true;
      tally.opened += 1;
      socket.write(REQUESTS[kind as string] as string);
      // A slow body is answered (or not) by the server: waiting for that paces the attack to what the
      // server takes, instead of overflowing the listen backlog (a dropped SYN is sent again a second later).
      if (kind !== 'body') resolve();
    });
    socket.on('data', () => resolve());
    socket.on('error', () => {
      if (!connected) tally.failed += 1;
      resolve();
    });
    socket.once('close', () => {
      resolve();
      sockets.delete(socket);
      if (connected) tally.closed += 1;
      if (tried && sockets.size === 0) report();
    });
  });
}

async function main(): Promise<void> {
  for (let done = 0; done < count; done += BATCH) {
    await Promise.all(Array.from({ length: Math.min(BATCH, count - done) }, open));
  }
  tried = true;
  report();
  process.once('message', () => {
    for (const socket of sockets) socket.destroy();
    process.exit(0);
  });
}

void main();
