import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { BUNDLED_MODELS_DIR } from '../src/paths.js';
import { ADMIN_KEY, SPAM_REQUEST, startSecuredServer } from './helpers/access-kit.js';
import type { TestServer } from './helpers/test-server.js';

const SLOW_CLIENTS = join(fileURLToPath(new URL('.', import.meta.url)), 'helpers', 'slow-clients.js');

interface Tally { readonly opened: number; readonly closed: number; readonly failed: number; readonly tried: boolean }

/** One attacker process, and its reports. */
class Attacker {
  readonly child: ChildProcess;
  last: Tally = { opened: 0, closed: 0, failed: 0, tried: false };
  readonly #waiters: Array<{ test: (t: Tally) => boolean; resolve: () => void }> = [];

  constructor(port: number, address: string, count: number, kind: 'body' | 'headers') {
    this.child = fork(SLOW_CLIENTS, [String(port), address, String(count), kind], { stdio: 'ignore' });
    this.child.on('message', (tally: Tally) => {
      this.last = tally;
      for (const waiter of this.#waiters.filter((w) => w.test(tally))) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
  }

  /** Resolves at the first report that passes `test`. */
  until(test: (t: Tally) => boolean): Promise<void> {
    if (test(this.last)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ test, resolve }));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.send('stop');
    await exited;
  }
}

/** Latencies (ms) of `count` inference calls from a legitimate client, `concurrency` at a time; throws on any failure. */
async function legitimateLatencies(server: TestServer, agent: Agent, count: number, concurrency: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next++ < count) {
      const started = performance.now();
      const answer = await request(`${server.url}/v2/models/spam-classifier/infer`, {
        method: 'POST', body: JSON.stringify(SPAM_REQUEST), dispatcher: agent,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      });
      await answer.body.text();
      assert.equal(answer.statusCode, 200);
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return latencies.sort((a, b) => a - b);
}

async function metric(server: TestServer, name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}
const openConnections = (server: TestServer) => metric(server, 'umbral_http_connections');

const median = (sorted: readonly number[]) => sorted[Math.floor(sorted.length / 2)] as number;

describe('slow clients cannot take the server away from the others', () => {
  let server: TestServer;
  let port: number;
  before(async () => {
    server = await startSecuredServer({
      models: { 'spam-classifier': join(BUNDLED_MODELS_DIR, 'spam-classifier') },
      overrides: { 'server.maxConnectionsPerAddress': 1024, 'log.level': 'warn' },
    });
    port = Number(new URL(server.url).port);
  });
  after(() => server?.shutdown('test done'));

  it('closes the connection of a request refused before its body was read, without reading the body', async () => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => { answer += chunk.toString(); });
    socket.write('POST /v2/models/spam-classifier/infer HTTP/1.1\r\nHost: umbral\r\nContent-Length: 1000000\r\n\r\n{');
    await once(socket, 'close');
    assert.match(answer, /^HTTP\/1\.1 401 /);
    assert.match(answer, /\r\nconnection: close\r\n/i);
  });

  it('holds 20,000 slow sockets from four addresses: the refused ones closed at once, the rest capped per address, legitimate clients served as before', async (t) => {
    const agent = new Agent({ connections: 4 });
    const attackers: Attacker[] = [];
    try {
      await legitimateLatencies(server, agent, 50, 4);
      const before = await legitimateLatencies(server, agent, 200, 4);
      attackers.push(
        new Attacker(port, '127.0.0.2', 5000, 'body'), new Attacker(port, '127.0.0.3', 5000, 'body'),
        new Attacker(port, '127.0.0.4', 5000, 'headers'), new Attacker(port, '127.0.0.5', 5000, 'headers'),
      );
      await Promise.all(attackers.map((a) => a.until((t) => t.tried)));
      const [bodyA, bodyB, headersA, headersB] = attackers as [Attacker, Attacker, Attacker, Attacker];
      // Every request announcing a body without a credential got its 401 and lost its connection.
      await Promise.all([bodyA, bodyB].map((a) => a.until((t) => t.tried && t.closed === t.opened)));
      for (const attacker of [bodyA, bodyB]) assert.equal(attacker.last.opened + attacker.last.failed, 5000);
      // Slow headers: each address holds at most its cap; the rest were closed on accept.
      for (const attacker of [headersA, headersB]) assert.equal(attacker.last.opened + attacker.last.failed, 5000);
      const open = await openConnections(server);
      assert.ok(open <= 2 * 1024 + 8, `the server holds ${open} connections`);
      const during = await legitimateLatencies(server, agent, 200, 4);
      const [p50Before, p50During] = [median(before), median(during)];
      const ratio = `legitimate p50 ${p50During.toFixed(2)} ms while the sockets are held, ${p50Before.toFixed(2)} ms before`;
      t.diagnostic(ratio);
      assert.ok(p50During <= 3 * p50Before + 20, ratio);
    } finally {
      await Promise.all(attackers.map((a) => a.stop()));
      await agent.close();
    }
  });
});

describe('slow clients: header, body and idle timeouts', { timeout: 20_000 }, () => {
  let server: TestServer;
  let port: number;
  before(async () => {
    server = await startSecuredServer({
      models: {}, overrides: { 'server.headersTimeoutMs': 300, 'server.bodyTimeoutMs': 600, 'server.keepAliveTimeoutMs': 300 },
    });
    port = Number(new URL(server.url).port);
  });
  after(() => server?.shutdown('test done'));

  /** Writes `text` on a new connection, then waits until the server closes it: what it answered. */
  async function closedBy(text: string): Promise<string> {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => { answer += chunk.toString(); });
    socket.write(text);
    await once(socket, 'close');
    return answer;
  }

  it('closes a connection whose headers do not arrive within server.headersTimeoutMs', async () => {
    assert.match(await closedBy('GET /health/live HTTP/1.1\r\nHost: umbral\r\n'), /^(HTTP\/1\.1 408 |$)/);
  });

  it('answers 408 and closes a request whose body does not arrive within server.bodyTimeoutMs, credential or not', async () => {
    const answer = await closedBy(`POST /admin/models HTTP/1.1\r\nHost: umbral\r\nAuthorization: Bearer ${ADMIN_KEY}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`);
    assert.match(answer, /^HTTP\/1\.1 408 /);
  });

  it('closes a kept-alive connection left idle for server.keepAliveTimeoutMs', async () => {
    const answer = await closedBy('GET /health/live HTTP/1.1\r\nHost: umbral\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 200 /);
    assert.doesNotMatch(answer, /connection: close/i);
  });
});
