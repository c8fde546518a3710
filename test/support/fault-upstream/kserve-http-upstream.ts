import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultPlan } from './fault-plan.js';
import { answerRoute, errorAnswer, matchRoute, type HttpAnswer, type HttpRoute } from './http-routes.js';
import type { UpstreamState } from './upstream-state.js';

/** The REST side of a fault upstream. */
export interface KserveHttpUpstream {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and destroys every connection, idle keep-alive ones and hanging requests included. */
  close(): Promise<void>;
}

/**
 * Serves the Open Inference Protocol's REST API over node:http (keep-alive, no framework: it is the
 * benchmark's instant upstream) on `host`, port 0, answering from `state` and injecting its faults.
 */
export async function startKserveHttpUpstream(state: UpstreamState, host = '127.0.0.1'): Promise<KserveHttpUpstream> {
  const server = createServer({ keepAlive: true }, (req, res) => handle(state, req, res));
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://${host}:${port}`, port, close: () => closeServer(server) };
}

function handle(state: UpstreamState, req: IncomingMessage, res: ServerResponse): void {
  const route = matchRoute(state, req.method ?? '', req.url ?? '/');
  if (route === undefined) {
    req.resume();
    write(res, errorAnswer(404, `no route for ${req.method ?? ''} ${req.url ?? ''}`));
    return;
  }
  const admission = state.admit(route.kind, 'http');
  res.once('close', admission.finish);
  readBody(req)
    .then((body) => respond(state, route, admission.fault, body, res, headerLengthOf(req)))
    .catch(() => res.destroy());
}

/** The request's Inference-Header-Content-Length (binary tensor data extension), if sent. */
function headerLengthOf(req: IncomingMessage): string | undefined {
  const value = req.headers['inference-header-content-length'];
  return value === undefined ? undefined : [value].flat().join(',');
}

async function respond(state: UpstreamState, route: HttpRoute, fault: FaultPlan | undefined, body: Buffer, res: ServerResponse,
  headerLength: string | undefined): Promise<void> {
  const waits = state.delayMs > 0 || fault?.kind === 'hang' || fault?.kind === 'slow';
  const gone = waits ? goneSignal(res) : undefined;
  if (state.delayMs > 0 && !(await state.pause(state.delayMs, gone))) {
    res.destroy();
    return;
  }
  if (fault === undefined) {
    write(res, answerRoute(route, body, headerLength));
    return;
  }
  await inject(state, fault, res, () => answerRoute(route, body, headerLength), gone);
}

/** Carries out one fault on an HTTP exchange. */
async function inject(state: UpstreamState, fault: FaultPlan, res: ServerResponse, answer: () => HttpAnswer, gone?: AbortSignal): Promise<void> {
  switch (fault.kind) {
    case 'status503': return write(res, errorAnswer(503, 'injected fault: service unavailable'), retryAfter(fault.retryAfterSeconds));
    case 'status429': return write(res, errorAnswer(429, 'injected fault: too many requests'), retryAfter(fault.retryAfterSeconds ?? 1));
    case 'status500': return write(res, errorAnswer(500, 'injected fault: internal error'));
    case 'malformed': return write(res, { status: 200, body: '{"outputs":"nope"}' });
    case 'reset': res.destroy(); return;
    case 'cut': return cut(res, answer());
    case 'hang':
      await state.pause(undefined, gone);
      res.destroy();
      return;
    case 'slow':
      if (await state.pause(fault.slowMs ?? 1000, gone)) write(res, answer());
      else res.destroy();
  }
}

/** Sends the headers of `answer` with a Content-Length larger than the body, half the body, then breaks the connection. */
function cut(res: ServerResponse, answer: HttpAnswer): void {
  const body = Buffer.from(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': String(body.length * 2 + 64) });
  res.flushHeaders();
  res.write(body.subarray(0, body.length >> 1), () => res.destroy());
}

function write(res: ServerResponse, answer: HttpAnswer, headers: Record<string, string> = {}): void {
  if (answer.body === '') {
    res.writeHead(answer.status, { ...headers, 'content-length': '0' }).end();
    return;
  }
  const body = Buffer.from(answer.body);
  const type = answer.headerLength === undefined
    ? { 'content-type': 'application/json' }
    : { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(answer.headerLength) };
  res.writeHead(answer.status, { ...headers, ...type, 'content-length': String(body.length) }).end(body);
}

function retryAfter(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { 'retry-after': String(seconds) };
}

/** Fires when the client goes away before the answer is written. */
function goneSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => controller.abort());
  return controller.signal;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0] as Buffer : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
