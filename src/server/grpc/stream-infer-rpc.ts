import { Metadata, status, type handleBidiStreamingCall, type ServerDuplexStream } from '@grpc/grpc-js';
import { Errors } from '../../errors/catalogue.js';
import { requiredModel } from '../../inference/data-plane.js';
import type { LlmPlane } from '../../inference/llm-plane.js';
import type { LlmUsageObserver } from '../../observability/llm-metrics.js';
import type { GrpcModelInferRequest, GrpcModelInferResponse } from '../../protocol/kserve/grpc-wire-types.js';
import { callSignal } from './call-signal.js';
import type { InferenceRpcs } from './inference-rpcs.js';
import { FINAL_FLAG, inferLlm, type Send } from './llm-stream-infer.js';
import { exchange, recordExchange, requestIdOf } from './rpc-exchange.js';
import { errorStatus, toUmbral } from './rpc-status.js';
import type { RpcContext, UnaryOptions } from './rpc-types.js';

/** `ModelStreamInferResponse`: a response, or the error of one request. */
export interface GrpcStreamInferResponse {
  readonly error_message: string;
  readonly infer_response: GrpcModelInferResponse | null;
}

type StreamCall = ServerDuplexStream<GrpcModelInferRequest, GrpcStreamInferResponse>;

export interface StreamInferDeps {
  /** The unary ModelInfer: an ordinary model's request on the stream is answered exactly as it would be. */
  readonly modelInfer: InferenceRpcs['ModelInfer'];
  /** The LLM plane: an LLM's request is streamed chunk by chunk. */
  readonly llm: Pick<LlmPlane, 'serves' | 'chat' | 'chatStream'>;
  /** Token and call counts of the LLM requests on streams. */
  readonly llmObserver?: LlmUsageObserver | undefined;
  readonly options: UnaryOptions;
}

/** Requests read ahead of the one being answered before the stream stops reading (flow control). */
const READ_AHEAD = 16;
const METHOD = 'ModelStreamInfer';

/**
 * Triton's `ModelStreamInfer`: requests answered one after another, in order, each through the
 * same steps as a unary ModelInfer (access from the stream's metadata, checked per request with
 * its model; rate limits, admission, deadline, cache, fallback), and one log line each. A failed
 * request is answered with `error_message` and the stream goes on, as Triton does. When the client
 * half-closes, the requests already sent are answered and the stream ends OK; when it cancels (or
 * its deadline passes), the request in flight is abandoned and its upstream call stopped.
 * https://github.com/triton-inference-server/server/blob/main/docs/user_guide/decoupled_models.md
 */
export function streamInfer(deps: StreamInferDeps): handleBidiStreamingCall<GrpcModelInferRequest, GrpcStreamInferResponse> {
  return (call) => void serveStream(deps, call);
}

async function serveStream(deps: StreamInferDeps, call: StreamCall): Promise<void> {
  const streamId = requestIdOf(call.metadata);
  // The stream lives as long as its client: only a deadline the client set bounds it.
  const cancel = callSignal(call, Number.POSITIVE_INFINITY);
  const queue: GrpcModelInferRequest[] = [];
  let halfClosed = false;
  let wake: (() => void) | undefined;
  const notify = () => wake?.();
  call.on('data', (request: GrpcModelInferRequest) => {
    queue.push(request);
    if (queue.length >= READ_AHEAD) call.pause();
    notify();
  });
  call.on('end', () => {
    halfClosed = true;
    notify();
  });
  call.on('error', notify);
  cancel.signal.addEventListener('abort', notify);
  try {
    let sequence = 0;
    for (;;) {
      const request = queue.shift();
      if (request === undefined) {
        if (halfClosed || cancel.signal.aborted) break;
        await new Promise<void>((resolve) => { wake = resolve; });
        wake = undefined;
        continue;
      }
      sequence += 1;
      if (queue.length < READ_AHEAD) call.resume();
      await answer(deps, call, request, { streamId, requestId: `${streamId}.${sequence}` }, cancel.signal);
      if (cancel.signal.aborted) break;
    }
    if (!cancel.signal.aborted) {
      const trailers = new Metadata();
      trailers.set('x-request-id', streamId);
      call.end(trailers);
    }
  } finally {
    cancel.signal.removeEventListener('abort', notify);
    cancel.dispose();
  }
}

/** One request of the stream (id `<stream id>.<n>`): its responses, or its error as `error_message`; one log line. */
async function answer(deps: StreamInferDeps, call: StreamCall, request: GrpcModelInferRequest, ids: { streamId: string; requestId: string },
  signal: AbortSignal): Promise<void> {
  const { requestId } = ids;
  const send = sender(call, signal);
  const done = await exchange({ access: 'infer', model: (r: GrpcModelInferRequest) => r.model_name }, deps.options,
    { method: METHOD, request, requestId, metadata: call.metadata, peer: call.getPeer(), signal },
    (req, context) => respond(deps, req, context, send),
    // A stream's LLM call has no data-plane deadline to name the cancellation: the client's leaving is it.
    (thrown) => (signal.aborted ? Errors.cancelled() : toUmbral(thrown)));
  let code = status.OK;
  if (!done.ok) {
    const failed = errorStatus(done.error, requestId, new Metadata());
    code = failed.code ?? status.UNKNOWN;
    if (!signal.aborted) await send.raw({ error_message: failed.details ?? done.error.message, infer_response: null });
  }
  recordExchange(deps.options, METHOD, requestId, code, done, { stream: ids.streamId });
}

/** An LLM's request streams; any other model's is the unary ModelInfer, its one response marked final. */
async function respond(deps: StreamInferDeps, request: GrpcModelInferRequest, context: RpcContext, send: Send): Promise<void> {
  const model = requiredModel(request.model_name, 'model_name');
  if (await deps.llm.serves(model, request.model_version || undefined)) return inferLlm(deps.llm, request, context, send, deps.llmObserver);
  const response = await deps.modelInfer.handle(request, context);
  return send({ ...response, parameters: { ...response.parameters, [FINAL_FLAG]: { bool_param: true } } });
}

/** Writes on the stream, waiting for the client to drain when its buffer is full; nothing once the client has gone. */
function sender(call: StreamCall, signal: AbortSignal): Send & { raw(message: GrpcStreamInferResponse): Promise<void> } {
  const raw = (message: GrpcStreamInferResponse): Promise<void> => {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (call.write(message)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const abort = () => reject(signal.reason);
      call.once('drain', () => {
        signal.removeEventListener('abort', abort);
        resolve();
      });
      signal.addEventListener('abort', abort, { once: true });
    });
  };
  return Object.assign((response: GrpcModelInferResponse) => raw({ error_message: '', infer_response: response }), { raw });
}
