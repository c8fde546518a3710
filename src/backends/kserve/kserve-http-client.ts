import { Pool } from 'undici';
import { injectTraceContext } from '../../observability/tracing.js';
import { decodeInferResponse } from '../../protocol/kserve/decode-infer-response.js';
import { encodeInferRequest } from '../../protocol/kserve/encode-infer-request.js';
import { ProtocolError } from '../../protocol/kserve/protocol-error.js';
import type { ModelMetadataResponse } from '../../protocol/kserve/wire-types.js';
import type { Tensor } from '../../protocol/tensor.js';
import { UpstreamError } from '../../resilience/upstream-error.js';
import { statusError, toUpstreamError } from '../http-failure.js';
import type { KserveClient, RemoteModel } from './kserve-client.js';

/** Keep-alive connections per server: enough for the concurrency 2 cores can feed. */
const CONNECTIONS = 64;

/**
 * One Open Inference Protocol server over REST: an undici Pool with keep-alive, JSON bodies, the
 * caller's signal on every request (a deadline or a client gone cancels the upstream request).
 * Failures are UpstreamErrors: connection, timeout, non-2xx status (with Retry-After and the
 * server's message), or an answer that is not the protocol's shape.
 */
export class KserveHttpClient implements KserveClient {
  readonly #pool: Pool;

  constructor(readonly url: string, private readonly headers: Readonly<Record<string, string>>, private readonly maxElements: number) {
    this.#pool = new Pool(url.replace(/\/$/, ''), { connections: CONNECTIONS, pipelining: 1 });
  }

  async infer(model: RemoteModel, inputs: readonly Tensor[], outputs: readonly string[], signal: AbortSignal): Promise<Tensor[]> {
    const body = await this.#send('POST', `${modelPath(model)}/infer`, signal, encodeInferRequest(inputs, outputs));
    try {
      return decodeInferResponse(body, { maxElements: this.maxElements });
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
    const headers: Record<string, string> = { ...this.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    injectTraceContext(headers);
    let text: string;
    let status: number;
    try {
      const answer = await this.#pool.request({ method, path, headers, body, signal });
      status = answer.statusCode;
      text = await answer.body.text();
      if (status < 200 || status >= 300) throw statusError(status, answer.headers, text);
    } catch (error) {
      throw toUpstreamError(error, signal);
    }
    if (text === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new UpstreamError(`${this.url}${path}: the answer is not JSON`, 'protocol');
    }
  }
}

function modelPath(model: RemoteModel): string {
  const name = `/v2/models/${encodeURIComponent(model.name)}`;
  return model.version === undefined ? name : `${name}/versions/${encodeURIComponent(model.version)}`;
}
