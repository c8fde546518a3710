import Fastify from 'fastify';
import { childEntry } from './child-entry.js';
import type { BareListening, BarePlan } from './messages.js';

const BODY_LIMIT_BYTES = 8 * 1024 * 1024;

/**
 * Child process: the baseline for the small model. A bare fastify app with the same inference route
 * as umbral: it parses the JSON body, looks at its inputs and serialises a response of the same shape
 * as umbral's (a fresh copy of umbral's own answer to the same request), without inference, logging,
 * metrics or validation. It serves until the orchestrator kills it.
 */
childEntry('bare', async (plan: BarePlan): Promise<BareListening> => {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES });
  app.post<{ Params: { model: string }; Body: { inputs?: unknown } }>('/v2/models/:model/infer', async (request, reply) => {
    const template = plan.templates[request.params.model];
    if (template === undefined || !Array.isArray(request.body.inputs)) return reply.code(400).send({ error: 'unknown model or no inputs' });
    return structuredClone(template);
  });
  const origin = await app.listen({ host: '127.0.0.1', port: 0 });
  return { kind: 'bare-listening', origin };
}, false);
