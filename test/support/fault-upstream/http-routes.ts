import { decodeInferRequest } from '../../../src/protocol/kserve/decode-infer-request.js';
import { splitBinaryBody } from '../../../src/protocol/kserve/binary-body.js';
import type { DecodedInferRequest } from '../../../src/protocol/kserve/decode-infer-request.js';
import { encodeBinaryInferResponse, encodeInferResponse, type InferResponseFields, type ResponseTensor } from '../../../src/protocol/kserve/encode-infer-response.js';
import { encodeModelMetadata } from '../../../src/protocol/kserve/encode-metadata.js';
import { isProtocolError } from '../../../src/protocol/kserve/protocol-error.js';
import { UpstreamError } from './upstream-error.js';
import type { RouteKind, UpstreamState } from './upstream-state.js';

/**
 * An HTTP answer before it is written: status and body (JSON text, or empty; or a binary tensor data
 * body, JSON header then bytes, with the header's length).
 */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string | Uint8Array;
  readonly headerLength?: number;
}

/**
 * A matched route: what it counts as, and how it answers a request body (`headerLength`: the
 * request's Inference-Header-Content-Length, for Triton's binary tensor data extension).
 */
export interface HttpRoute {
  readonly kind: RouteKind;
  answer(body: Buffer, headerLength?: string): HttpAnswer;
}

/** `GET /v2`'s body, also the gRPC `ServerMetadata` answer. */
export const SERVER_METADATA = { name: 'umbral-fault-upstream', version: '1', extensions: ['model_repository'] } as const;

/** Most elements one input may hold. */
export const MAX_ELEMENTS = 1 << 24;

const EMPTY_OK: HttpAnswer = { status: 200, body: '' };

/** `{"error": message}` with a status: the protocol's error shape. */
export function errorAnswer(status: number, message: string): HttpAnswer {
  return { status, body: JSON.stringify({ error: message }) };
}

/**
 * The route of a request, or undefined (404): the Open Inference Protocol's REST paths and Triton's
 * model repository extension (https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_model_repository.md).
 */
export function matchRoute(state: UpstreamState, method: string, url: string): HttpRoute | undefined {
  const query = url.indexOf('?');
  const parts = (query < 0 ? url : url.slice(0, query)).split('/').map(decodeSegment);
  if (parts[0] !== '' || parts[1] !== 'v2' || parts.some((part) => part === undefined)) return undefined;
  const path = parts.slice(2) as string[];
  if (method === 'GET') return getRoute(state, path);
  if (method === 'POST') return path[0] === 'repository' ? repositoryRoute(state, path) : inferRoute(state, path);
  return undefined;
}

function getRoute(state: UpstreamState, path: string[]): HttpRoute | undefined {
  if (path.length === 0) return { kind: 'metadata', answer: () => json(SERVER_METADATA) };
  if (path[0] === 'health' && path.length === 2) {
    if (path[1] === 'live') return { kind: 'health', answer: () => EMPTY_OK };
    if (path[1] === 'ready') return { kind: 'health', answer: () => (state.ready ? EMPTY_OK : { status: 503, body: '' }) };
    return undefined;
  }
  const model = modelPath(path);
  if (model === undefined) return undefined;
  const { name, version } = model;
  if (model.action === '') return { kind: 'metadata', answer: () => json(encodeModelMetadata(state.repository.serving(name, version))) };
  if (model.action === 'ready') return { kind: 'modelReady', answer: () => (state.repository.isReady(name, version) ? EMPTY_OK : { status: 400, body: '' }) };
  return undefined;
}

function inferRoute(state: UpstreamState, path: string[]): HttpRoute | undefined {
  const model = modelPath(path);
  if (model?.action !== 'infer') return undefined;
  return {
    kind: 'infer',
    answer: (body, headerLength) => {
      const split = headerLength === undefined ? undefined : splitBinaryBody(body, headerLength);
      const json = split === undefined ? body : Buffer.from(split.json);
      const request = decodeInferRequest(parseJson(json), { maxElements: MAX_ELEMENTS }, split?.binary);
      return inferAnswer(request, state.repository.infer(model.name, model.version, request));
    },
  };
}

/** JSON, or binary tensor data when the request asked for an output as bytes (as Triton answers). */
function inferAnswer(request: DecodedInferRequest, fields: InferResponseFields): HttpAnswer {
  const own = new Map(request.outputs.map((output) => [output.name, output.binary]));
  const binary = (output: ResponseTensor) => own.get(output.name) ?? request.binaryOutput ?? false;
  if (!fields.outputs.some(binary)) return { status: 200, body: encodeInferResponse(fields) };
  const { headerLength, body } = encodeBinaryInferResponse(fields, binary);
  return { status: 200, body, headerLength };
}

function repositoryRoute(state: UpstreamState, path: string[]): HttpRoute | undefined {
  const { repository } = state;
  if (path.length === 2 && path[1] === 'index') {
    return { kind: 'repository', answer: (body) => json(repository.index(readyOnly(body.length === 0 ? {} : parseJson(body)))) };
  }
  if (path.length !== 4 || path[1] !== 'models') return undefined;
  const name = path[2] as string;
  if (path[3] === 'load') return { kind: 'repository', answer: () => (repository.load(name), json({})) };
  if (path[3] === 'unload') return { kind: 'repository', answer: () => (repository.unload(name), json({})) };
  return undefined;
}

/** `models/{name}[/versions/{version}][/{action}]`, or undefined for any other path. */
function modelPath(path: string[]): { name: string; version: string; action: string } | undefined {
  if (path[0] !== 'models' || path.length < 2) return undefined;
  const name = path[1] as string;
  const versioned = path[2] === 'versions';
  const rest = versioned ? path.slice(4) : path.slice(2);
  if ((versioned && path.length < 4) || rest.length > 1) return undefined;
  return { name, version: versioned ? path[3] as string : '', action: rest[0] ?? '' };
}

/** Answers a route, rendering a refusal as `{"error": ...}`; anything else unexpected is a 500. */
export function answerRoute(route: HttpRoute, body: Buffer, headerLength?: string): HttpAnswer {
  try {
    return route.answer(body, headerLength);
  } catch (error) {
    if (error instanceof UpstreamError) return errorAnswer(error.httpStatus, error.message);
    if (isProtocolError(error)) return errorAnswer(400, error.message);
    return errorAnswer(500, error instanceof Error ? error.message : String(error));
  }
}

function readyOnly(body: unknown): boolean {
  const ready = (body as { ready?: unknown } | null)?.ready;
  if (ready !== undefined && typeof ready !== 'boolean') throw new UpstreamError('invalid', `'ready' must be a boolean, got ${JSON.stringify(ready)}`);
  return ready === true;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new UpstreamError('invalid', `failed to parse the request JSON buffer: ${(error as Error).message}`);
  }
}

function json(value: unknown): HttpAnswer {
  return { status: 200, body: JSON.stringify(value) };
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
