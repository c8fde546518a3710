import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { childEntry } from './child-entry.js';
import type { ProxyListening, ProxyPlan } from './messages.js';

/**
 * Child process: the floor for umbral in front of an upstream. A bare reverse proxy on node:http
 * with an undici Pool: it reads the request body, forwards method, path, content type and body to
 * the upstream, and sends back its status and body. No parsing, validation, logging or metrics:
 * whatever a gateway does beyond this is what umbral's ratio against it shows.
 */
childEntry('proxy', async (plan: ProxyPlan): Promise<ProxyListening> => {
  const pool = new Pool(plan.upstream, { connections: plan.connections, pipelining: 1 });
  const server = createServer((request, response) => {
    void forward(pool, request).then((answer) => {
      response.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': answer.body.length });
      response.end(answer.body);
    }, (error: unknown) => {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(String(error));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { kind: 'proxy-listening', origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}, false);

async function forward(pool: Pool, request: IncomingMessage): Promise<{ status: number; contentType: string; body: Buffer }> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const answer = await pool.request({
    method: request.method as 'POST', path: request.url ?? '/',
    headers: { 'content-type': request.headers['content-type'] ?? 'application/json' }, body: Buffer.concat(chunks),
  });
  const body = Buffer.from(await answer.body.arrayBuffer());
  return { status: answer.statusCode, contentType: String(answer.headers['content-type'] ?? 'application/json'), body };
}
