import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { FaultSwitch, type FaultPlan } from './fault-plan.js';
import { chatChunks, chatCompletion, embeddingsAnswer, responseEvents, responseObject, textCompletion, textCompletionChunks } from './openai-answers.js';

export interface OpenAiUpstreamOptions {
  /** Where tests set faults; a fresh switch (no faults) by default. */
  readonly faults?: FaultSwitch;
  /** Fault `GET /v1/models` (the health check) too, not only the POST routes (default false). */
  readonly faultAllRoutes?: boolean;
  /** Pause between two chunks of a streamed answer (default 0). */
  readonly chunkDelayMs?: number;
  /** Model ids `GET /v1/models` lists (default `['fake-llm']`). */
  readonly models?: readonly string[];
  /** Length of the embedding vectors (default 8). */
  readonly embeddingDimensions?: number;
  /** Keep every request in `received` (default true); benches say false so that memory stays flat. */
  readonly record?: boolean;
  /** Serve `/v1/completions` and `/v1/responses` (default true); false answers them 404 in OpenAI's shape, as a server without them. */
  readonly passThroughRoutes?: boolean;
}

/** An error answer the fake gives every POST until cleared, as a real server refuses: status, body, headers. */
export interface Refusal {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One request as the fake received it. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body; undefined for GET or a body that is not JSON. */
  readonly body: Record<string, unknown> | undefined;
}

/** A running fake OpenAI-compatible server. */
export interface OpenAiUpstream {
  /** Base URL, as a descriptor's `base_urls` names it: `http://127.0.0.1:<port>/v1`. */
  readonly url: string;
  readonly faults: FaultSwitch;
  /** Every request received, oldest first (tests read headers and bodies; it is a test fake); empty with `record: false`. */
  readonly received: ReceivedRequest[];
  /** Requests per kind: `chat`, `stream`, `embeddings`, `completions`, `responses`, `models`, `other`. */
  readonly counts: Record<'chat' | 'stream' | 'embeddings' | 'completions' | 'responses' | 'models' | 'other', number>;
  /** Answers every POST with `refusal` (counted, recorded) until called with undefined. */
  refuse(refusal: Refusal | undefined): void;
  /** Resolves when the next request arrives (after it is recorded). */
  nextRequest(): Promise<ReceivedRequest>;
  /** Requests not answered yet (hanging, slow and streaming ones); drops when a client goes away. */
  readonly inFlight: number;
  /** Ends hanging and streaming requests, closes every socket and stops listening. */
  close(): Promise<void>;
}

/**
 * Starts a fake OpenAI-compatible upstream on 127.0.0.1, port 0, with keep-alive: chat completions
 * (JSON and SSE), embeddings and the model list, answering deterministically (`openai-answers.ts`),
 * with the faults of its FaultSwitch injected into the POST routes.
 */
export async function startOpenAiUpstream(options: OpenAiUpstreamOptions = {}): Promise<OpenAiUpstream> {
  const faults = options.faults ?? new FaultSwitch();
  const received: ReceivedRequest[] = [];
  const counts = { chat: 0, stream: 0, embeddings: 0, completions: 0, responses: 0, models: 0, other: 0 };
  const waiting: Array<(entry: ReceivedRequest) => void> = [];
  const open = new Set<ServerResponse>();
  let sequence = 0;
  const context: Context = { options, faults, refusal: undefined, nextId: () => `chatcmpl-${++sequence}` };
  const server = createServer({ keepAliveTimeout: 5_000 }, (request, response) => {
    open.add(response);
    response.once('close', () => open.delete(response));
    void handle(request, response, context, (entry, kind) => {
      if (options.record !== false) received.push(entry);
      counts[kind] += 1;
      for (const resolve of waiting.splice(0)) resolve(entry);
    }).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`, faults, received, counts,
    refuse: (refusal) => {
      context.refusal = refusal;
    },
    nextRequest: () => new Promise((resolve) => waiting.push(resolve)),
    get inFlight() {
      return open.size;
    },
    close: async () => {
      for (const response of open) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Context {
  readonly options: OpenAiUpstreamOptions;
  readonly faults: FaultSwitch;
  refusal: Refusal | undefined;
  nextId(): string;
}

type Kind = keyof OpenAiUpstream['counts'];

async function handle(request: IncomingMessage, response: ServerResponse, context: Context,
  record: (entry: ReceivedRequest, kind: Kind) => void): Promise<void> {
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  const text = await readBody(request);
  const body = parseObject(text);
  const stream = body?.stream === true;
  const kind = kindOf(path, stream, context.options.passThroughRoutes !== false);
  record({ method: request.method ?? '', path, headers: request.headers, body }, kind);
  if (request.method === 'GET' && kind === 'models') {
    const fault = context.options.faultAllRoutes ? context.faults.pick() : undefined;
    if (fault && (await injectFault(fault, response, request, false, {}, context))) return;
    return sendJson(response, 200, modelList(context.options.models ?? ['fake-llm']));
  }
  if (request.method !== 'POST' || kind === 'models' || kind === 'other') {
    // As OpenAI answers a URL it does not serve.
    return sendJson(response, 404, { error: { message: `Invalid URL (${request.method ?? ''} ${path})`, type: 'invalid_request_error', param: null, code: null } });
  }
  if (!body) return sendJson(response, 400, errorBody('body is not a JSON object'));
  const { refusal } = context;
  if (refusal) return sendJson(response, refusal.status, refusal.body, refusal.headers);
  const fault = context.faults.pick();
  if (fault && (await injectFault(fault, response, request, stream && kind !== 'responses', body, context))) return;
  const delayMs = context.options.chunkDelayMs ?? 0;
  const id = context.nextId();
  switch (kind) {
    case 'embeddings': return sendJson(response, 200, embeddingsAnswer(body, context.options.embeddingDimensions ?? 8));
    case 'completions': return stream ? sendStream(response, textCompletionChunks(body, id), delayMs) : sendJson(response, 200, textCompletion(body, id));
    case 'responses': return stream ? sendStream(response, responseEvents(body, id), delayMs, true) : sendJson(response, 200, responseObject(body, id));
    default: return stream ? sendStream(response, chatChunks(body, id), delayMs) : sendJson(response, 200, chatCompletion(body, id));
  }
}

function kindOf(path: string, stream: boolean, passThrough: boolean): Kind {
  switch (path) {
    case '/v1/chat/completions': return stream ? 'stream' : 'chat';
    case '/v1/embeddings': return 'embeddings';
    case '/v1/models': return 'models';
    case '/v1/completions': return passThrough ? 'completions' : 'other';
    case '/v1/responses': return passThrough ? 'responses' : 'other';
    default: return 'other';
  }
}

/** Applies a fault; returns false when the request must then be answered normally (`slow`). */
async function injectFault(fault: FaultPlan, response: ServerResponse, request: IncomingMessage, stream: boolean,
  body: Record<string, unknown>, context: Context): Promise<boolean> {
  switch (fault.kind) {
    case 'status503': case 'status429': case 'status500': {
      const status = Number(fault.kind.slice(6));
      const retryAfter = fault.retryAfterSeconds ?? (status === 429 ? 1 : undefined);
      if (retryAfter !== undefined && status !== 500) response.setHeader('retry-after', String(retryAfter));
      sendJson(response, status, errorBody(`injected ${status}`));
      return true;
    }
    case 'hang': return true;
    case 'reset': request.socket.destroy(); return true;
    case 'slow': await sleep(fault.slowMs ?? 100); return response.destroyed;
    case 'cut': {
      const chunks = stream ? chatChunks(body, context.nextId()) : [chatCompletion(body, context.nextId())];
      cut(response, stream, chunks);
      return true;
    }
    case 'malformed':
      response.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
      response.end(stream ? 'data: this is not json\n\n' : 'this is not json');
      return true;
  }
}

/** Starts a good answer and destroys the socket midway: no `[DONE]`, or a body shorter than its length. */
function cut(response: ServerResponse, stream: boolean, chunks: object[]): void {
  if (stream) {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const chunk of chunks.slice(0, 2)) response.write(`data: ${JSON.stringify(chunk)}\n\n`);
  } else {
    const json = JSON.stringify(chunks[0]);
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(json)) });
    response.write(json.slice(0, json.length >> 1));
  }
  // Let the written part leave before the socket dies, as a server crashing mid-answer would.
  setTimeout(() => response.socket?.destroy(), 20);
}

/** Chat and completions: `data:` events, then `[DONE]`; the Responses API (`named`): `event: <type>` events and no `[DONE]`. */
async function sendStream(response: ServerResponse, chunks: object[], delayMs: number, named = false): Promise<void> {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const chunk of chunks) {
    if (response.destroyed) return;
    const event = named ? `event: ${(chunk as { type?: string }).type}\n` : '';
    response.write(`${event}data: ${JSON.stringify(chunk)}\n\n`);
    if (delayMs > 0) await sleep(delayMs);
  }
  response.end(named ? undefined : 'data: [DONE]\n\n');
}

function sendJson(response: ServerResponse, status: number, value: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const json = JSON.stringify(value);
  response.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(json)) });
  response.end(json);
}

function errorBody(message: string) {
  return { error: { message, type: 'server_error', param: null, code: null } };
}

function modelList(ids: readonly string[]) {
  return { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'fake' })) };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
