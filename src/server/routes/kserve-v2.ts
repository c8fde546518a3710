import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Admission, AdmissionTicket } from '../../inference/admission/admission.js';
import type { UmbralError } from '../../errors/umbral-error.js';
import type { ModelHost } from '../../inference/model-host.js';
import type { InferenceService, RequestedOutput } from '../../inference/inference-service.js';
import { decodeInferRequest } from '../../protocol/kserve/decode-infer-request.js';
import { encodeInferResponse } from '../../protocol/kserve/encode-infer-response.js';
import { encodeModelMetadata, encodeServerMetadata } from '../../protocol/kserve/encode-metadata.js';
import type { Readiness } from '../readiness.js';
import { abortOnDisconnect } from '../abort-on-disconnect.js';
import { UMBRAL_VERSION } from '../../version.js';

export interface KserveRoutesDeps {
  readonly host: ModelHost;
  readonly inference: InferenceService;
  readonly admission: Pick<Admission, 'admit'>;
  readonly readiness: Pick<Readiness, 'ready'>;
  readonly maxElements: number;
}

interface ModelParams { model: string; version?: string }

const PUBLIC = { config: { access: 'public' } } as const;
const INFER = { config: { access: 'infer' } } as const;
const INFER_DATA = { config: { access: 'infer', modelData: true } } as const;

/** Extensions of the protocol this server implements (reported by GET /v2). */
export const EXTENSIONS = ['classification'] as const;

/**
 * The Open Inference Protocol (KServe v2) REST routes, with and without `/versions/{v}`.
 * https://github.com/kserve/open-inference-protocol/blob/main/specification/protocol/inference_rest.md
 */
export async function kserveV2Routes(app: FastifyInstance, deps: KserveRoutesDeps): Promise<void> {
  const { host, inference, admission, readiness } = deps;

  app.get('/v2', { config: { access: 'authenticated' } }, async () => encodeServerMetadata({ name: 'umbral', version: UMBRAL_VERSION, extensions: EXTENSIONS }));
  app.get('/v2/health/live', PUBLIC, async () => ({ live: true }));
  app.get('/v2/health/ready', PUBLIC, async (_request, reply) => {
    const ready = readiness.ready();
    return reply.code(ready ? 200 : 503).send({ ready });
  });

  for (const prefix of ['/v2/models/:model', '/v2/models/:model/versions/:version']) {
    app.get<{ Params: ModelParams }>(prefix, INFER, async (request) => {
      const { model, version } = request.params;
      const { signature } = (await host.resolve(model, version)).served;
      const versions = host.get(model)?.plan.versions.map((v) => v.version) ?? [];
      return encodeModelMetadata({ name: model, versions, ...signature });
    });

    app.get<{ Params: ModelParams }>(`${prefix}/ready`, INFER, async (request, reply) => {
      const { model, version } = request.params;
      try {
        await host.resolve(model, version);
        return { name: model, ready: true };
      } catch (error) {
        if ((error as UmbralError).status !== 503) throw error;
        return reply.code(503).send({ name: model, ready: false, error: (error as Error).message });
      }
    });

    // Admission after access control (a global onRequest hook) and before the body is read.
    app.post<{ Params: ModelParams }>(`${prefix}/infer`, { ...INFER_DATA, onRequest: admit }, async (request, reply) => sendInfer(request.params, request.body, reply));
  }

  /** Admission by queueing time; the slot is given back however the exchange ends. */
  function admit(request: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply, done: (error?: Error) => void): void {
    let ticket: AdmissionTicket;
    try {
      ticket = admission.admit(request.params.model);
    } catch (error) {
      done(error as Error);
      return;
    }
    reply.raw.once('close', () => ticket.leave());
    done();
  }

  async function sendInfer(params: ModelParams, body: unknown, reply: FastifyReply): Promise<FastifyReply> {
    // An unknown or broken model answers 404/503 whatever the body, as Triton does: resolve first.
    const served = await inference.resolve(params.model, params.version);
    const decoded = decodeInferRequest(body, { maxElements: deps.maxElements });
    const outputs: RequestedOutput[] = decoded.outputs.map((output) => ({
      name: output.name, classification: output.parameters.classification,
    }));
    reply.request.served = { model: served.model, version: served.version };
    const result = await inference.infer(served, {
      inputs: decoded.inputs, outputs, signal: abortOnDisconnect(reply), timing: (reply.request.timing = { backendMs: 0 }),
      parameters: decoded.parameters, caller: reply.request.principal?.id,
    });
    reply.request.served = {
      model: result.model, version: result.version, batchSize: result.batchSize, fallbackFor: result.fallbackFor, cache: result.cache,
    };
    const json = encodeInferResponse({
      modelName: result.model, modelVersion: result.version, id: decoded.id, outputs: result.outputs,
    });
    return reply.type('application/json').send(json);
  }
}
