import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DataPlane, Ticket } from '../../inference/data-plane.js';
import { decodeInferRequest } from '../../protocol/kserve/decode-infer-request.js';
import { HEADER_LENGTH_HEADER } from '../../protocol/kserve/binary-body.js';
import type { DecodedInferRequest } from '../../protocol/kserve/decode-infer-request.js';
import { encodeBinaryInferResponse, encodeInferResponse, type InferResponseFields, type ResponseTensor } from '../../protocol/kserve/encode-infer-response.js';
import { encodeModelMetadata, encodeServerMetadata } from '../../protocol/kserve/encode-metadata.js';
import type { Readiness } from '../readiness.js';
import { abortOnDisconnect } from '../abort-on-disconnect.js';
import { UMBRAL_VERSION } from '../../version.js';

export interface KserveRoutesDeps {
  /** The data plane's one front: admission, limits, deadline, cache, fallback. */
  readonly plane: Pick<DataPlane, 'admit' | 'infer' | 'metadata' | 'ready'>;
  readonly readiness: Pick<Readiness, 'ready'>;
}

interface ModelParams { model: string; version?: string }

const PUBLIC = { config: { access: 'public' } } as const;
const INFER = { config: { access: 'infer' } } as const;
const INFER_DATA = { config: { access: 'infer', modelData: true, binaryTensors: true } } as const;

/** Extensions of the protocol this server implements (reported by GET /v2). */
export const EXTENSIONS = ['classification', 'binary_tensor_data', 'model_configuration', 'statistics', 'generate'] as const;

/**
 * The Open Inference Protocol (KServe v2) REST routes, with and without `/versions/{v}`: decode,
 * call the data plane, encode.
 * https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md
 */
export async function kserveV2Routes(app: FastifyInstance, deps: KserveRoutesDeps): Promise<void> {
  const { plane, readiness } = deps;

  app.get('/v2', { config: { access: 'authenticated' } }, async () => encodeServerMetadata({ name: 'umbral', version: UMBRAL_VERSION, extensions: EXTENSIONS }));
  app.get('/v2/health/live', PUBLIC, async () => ({ live: true }));
  app.get('/v2/health/ready', PUBLIC, async (_request, reply) => {
    const ready = readiness.ready();
    return reply.code(ready ? 200 : 503).send({ ready });
  });

  for (const prefix of ['/v2/models/:model', '/v2/models/:model/versions/:version']) {
    app.get<{ Params: ModelParams }>(prefix, INFER, async (request) =>
      encodeModelMetadata(await plane.metadata(request.params.model, request.params.version)));

    app.get<{ Params: ModelParams }>(`${prefix}/ready`, INFER, async (request, reply) => {
      const { model, version } = request.params;
      const state = await plane.ready(model, version);
      return state.ready ? { name: model, ready: true } : reply.code(503).send({ name: model, ready: false, error: state.error });
    });

    // Admitted after access control (a global onRequest hook) and before the body is read.
    app.post<{ Params: ModelParams }>(`${prefix}/infer`, { ...INFER_DATA, onRequest: admit }, async (request, reply) => sendInfer(request, reply));
  }

  /** The data plane's admission; the slot is given back however the exchange ends. */
  async function admit(request: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply): Promise<void> {
    const ticket: Ticket = await plane.admit(request.params.model, request.principal);
    reply.headers(ticket.headers);
    reply.raw.once('close', () => ticket.leave());
  }

  async function sendInfer(request: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply): Promise<FastifyReply> {
    const { model, version } = request.params;
    const { decoded, result, variant } = await plane.infer({
      model, version, requestId: request.id, principal: request.principal, signal: abortOnDisconnect(reply), timing: (request.timing = { backendMs: 0 }),
      headers: request.headers, decode: (limits) => decodeInferRequest(request.body, limits, request.binaryData),
      onResolved: (name, served) => { request.served = { model: name, version: served }; },
    });
    request.served = {
      model: result.model, version: result.version, batchSize: result.batchSize, fallbackFor: result.fallbackFor, cache: result.cache, variant,
    };
    return sendAnswer(reply, decoded, { modelName: result.model, modelVersion: result.version, id: decoded.id, outputs: result.outputs });
  }
}

/**
 * JSON, or, when the client asked for any output as binary data (`binary_data` on the output, or
 * `binary_data_output` on the request, the output's own setting winning), the binary tensor data
 * extension's answer: JSON header then bytes, `application/octet-stream` with the header's length in
 * `Inference-Header-Content-Length`, as Triton answers.
 */
function sendAnswer(reply: FastifyReply, decoded: DecodedInferRequest, fields: InferResponseFields): FastifyReply {
  const own = new Map(decoded.outputs.map((output) => [output.name, output.binary]));
  const binary = (output: ResponseTensor) => own.get(output.name) ?? decoded.binaryOutput ?? false;
  if (!fields.outputs.some(binary)) return reply.type('application/json').send(encodeInferResponse(fields));
  const { headerLength, body } = encodeBinaryInferResponse(fields, binary);
  return reply.type('application/octet-stream').header(HEADER_LENGTH_HEADER, headerLength)
    .send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}
