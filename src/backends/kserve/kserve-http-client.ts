import { Pool } from 'undici';
import { injectTraceContext } from '../../observability/tracing.js';
import { decodeInferResponse } from '../../protocol/kserve/decode-infer-response.js';
import { HEADER_LENGTH_HEADER, splitBinaryBody } from '../../protocol/kserve/binary-body.js';
import { encodeBinaryInferRequest, encodeInferRequest, needsBinaryData } from '../../protocol/kserve/encode-infer-request.js';
import { ProtocolError } from '../../protocol/kserve/protocol-error.js';
import type { ModelMetadataResponse } from '../../protocol/kserve/wire-types.js';
import type { Tensor } from '../../protocol/tensor.js';
import { UpstreamError } from '../../resilience/upstream-error.js';
import { statusError, toUpstreamError } from '../http-failure.js';
import type { KserveClient, RemoteInfer, RemoteModel } from './kserve-client.js';

/** Keep-alive connections per server: enough for the concurrency 2 cores can feed. */
const CONNECTIONS = 64;

/** A request body: JSON text, or a binary tensor data body with its JSON header's length. */
type Body = string | { readonly headerLength: number; readonly body: Uint8Array };

/** An answer: the body's bytes, and the JSON header's length when the server sent binary data. */
interface Answer {
  readonly bytes: Buffer;
  readonly headerLength?: string;
}

/**
 * One Open Inference Protocol server over REST: an undici Pool with keep-alive, JSON bodies (the
 * binary tensor data extension when JSON cannot carry the inputs unaltered: FP16 / BF16, BYTES that
 * are not UTF-8; binary answers are read too), the caller's signal on every request (a deadline or a client gone cancels the upstream request).
 * Failures are UpstreamErrors: connection, timeout, non-2xx status (with Retry-After and the
 * server's message), or an answer that is not the protocol's shape.
 */
export class KserveHttpClient implements KserveClient {
  readonly #pool: Pool;

  constructor(readonly url: string, private readonly headers: Readonly<Record<string, string>>, private readonly maxElements: number) {
    this.#pool = new Pool(url.replace(/\/$/, ''), { connections: CONNECTIONS, pipelining: 1 });
  }

  async infer(model: RemoteModel, request: RemoteInfer, signal: AbortSignal): Promise<Tensor[]> {
    const path = `${modelPath(model)}/infer`;
    const body = needsBinaryData(request.inputs) ? encodeBinaryInferRequest(request) : encodeInferRequest(request);
    const answer = await this.#exchange('POST', path, signal, body);
    try {
      if (answer.headerLength === undefined) return decodeInferResponse(this.#json(path, answer.bytes), { maxElements: this.maxElements });
      const split = splitBinaryBody(answer.bytes, answer.headerLength);
      return decodeInferResponse(this.#json(path, Buffer.from(split.json)), { maxElements: this.maxElements }, split.binary);
    } catch (error) {
      if (error instanceof ProtocolError) throw new UpstreamError(`${this.url}: malformed answer: ${error.args.join(': ')}`, 'protocol');
      throw error;
    }
  }

  async metadata(model: RemoteModel, signal: AbortSignal): Promise<ModelMetadataResponse> {
    return await this.#send('GET', modelPath(model), signal) as ModelMetadataResponse;
  }

  async ready(model: RemoteModel, signal: AbortSignal): Promise<boolean> {
    await this.#send('GET', '/v2/health/ready', signal);
    await this.#send('GET', `${modelPath(model)}/ready`, signal);
    return true;
  }

  async repositoryIndex(signal: AbortSignal): Promise<Array<Record<string, unknown>>> {
    return await this.#send('POST', '/v2/repository/index', signal, '{}') as Array<Record<string, unknown>>;
  }

  async repositoryChange(model: string, action: 'load' | 'unload', signal: AbortSignal): Promise<void> {
    await this.#send('POST', `/v2/repository/models/${encodeURIComponent(model)}/${action}`, signal, '{}');
  }

  close(): Promise<void> {
    return this.#pool.close();
  }

  /** One exchange; resolves with the parsed JSON answer (undefined for an empty body). */
  async #send(method: 'GET' | 'POST', path: string, signal: AbortSignal, body?: string): Promise<unknown> {
    return this.#json(path, (await this.#exchange(method, path, signal, body)).bytes);
  }

  async #exchange(method: 'GET' | 'POST', path: string, signal: AbortSignal, body?: Body): Promise<Answer> {
    const headers: Record<string, string> = { ...this.headers };
    if (typeof body === 'string') headers['content-type'] = 'application/json';
    else if (body !== undefined) Object.assign(headers, { 'content-type': 'application/octet-stream', [HEADER_LENGTH_HEADER]: String(body.headerLength) });
    injectTraceContext(headers);
    try {
      const answer = await this.#pool.request({ method, path, headers, body: typeof body === 'object' ? body.body : body, signal });
      const bytes = Buffer.from(await answer.body.arrayBuffer());
      if (answer.statusCode < 200 || answer.statusCode >= 300) throw statusError(answer.statusCode, answer.headers, bytes.toString('utf8'));
      const headerLength = answer.headers[HEADER_LENGTH_HEADER];
      return headerLength === undefined ? { bytes } : { bytes, headerLength: [headerLength].flat().join(',') };
    } catch (error) {
      throw toUpstreamError(error, signal);
    }
  }

  #json(path: string, bytes: Buffer): unknown {
    if (bytes.length === 0) return undefined;
    try {
      return JSON.parse(bytes.toString('utf8')) as unknown;
    } catch {
      throw new UpstreamError(`${this.url}${path}: the answer is not JSON`, 'protocol');
    }
  }
}

function modelPath(model: RemoteModel): string {
  const name = `/v2/models/${encodeURIComponent(model.name)}`;
  return model.version === undefined ? name : `${name}/versions/${encodeURIComponent(model.version)}`;
}
