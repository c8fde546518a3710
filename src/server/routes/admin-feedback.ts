import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Errors } from '../../errors/catalogue.js';
import { readFeedbackBody } from '../../mlops/feedback/feedback-body.js';
import type { FeedbackOutcome } from '../../mlops/feedback/feedback-service.js';
import type { LiveQuality } from '../../mlops/quality/open-live-quality.js';
import type { Registry } from '../../registry/registry.js';

export interface AdminFeedbackDeps {
  readonly quality: LiveQuality;
  readonly registry: Pick<Registry, 'getModel'>;
}

type M = { Params: { model: string } };
const params = { type: 'object', required: ['model'], properties: { model: { type: 'string', minLength: 1, maxLength: 128 } } } as const;
const qualityQuery = {
  type: 'object',
  properties: { window: { type: 'string', minLength: 1, maxLength: 16 }, version: { type: 'string', minLength: 1, maxLength: 128 } },
} as const;
const actor = (request: FastifyRequest) => request.principal?.actor ?? 'anonymous';

/**
 * Ground truth and live quality (docs/guides/monitoring.md, "Feedback and live quality").
 * `POST …/feedback` takes one `{"request_id", "label"}` (answered 200, or the item's own 4xx) or an
 * array of up to 1,000 (answered 200 with one result per item, accepted or its error).
 */
export async function adminFeedbackRoutes(app: FastifyInstance, deps: AdminFeedbackDeps): Promise<void> {
  const { feedback, monitor } = deps.quality;

  app.post<M>('/admin/models/:model/feedback', { config: { access: 'feedback' }, schema: { params } }, async (request) => {
    const body = readFeedbackBody(request.body);
    const outcomes = await feedback.record(request.params.model, body.items, actor(request));
    const accepted = outcomes.filter((outcome) => outcome.accepted).length;
    request.log.info({ model: request.params.model, accepted, refused: outcomes.length - accepted }, 'feedback recorded');
    if (body.single) {
      const [outcome] = outcomes as [FeedbackOutcome];
      if (!outcome.accepted) throw outcome.error;
      return resultJson(outcome);
    }
    return { accepted, failed: outcomes.length - accepted, results: outcomes.map((outcome, index) => ({ index, ...resultJson(outcome) })) };
  });

  app.get<M & { Querystring: { window?: string; version?: string } }>('/admin/models/:model/quality', {
    config: { access: 'admin:read' }, schema: { params, querystring: qualityQuery },
  }, async (request) => {
    const { model } = request.params;
    if (!(await deps.registry.getModel(model))) throw Errors.modelNotFound(model);
    const at = new Date();
    const results = await monitor.report(model, request.query, at);
    return {
      model, at: at.toISOString(),
      results: results.map(({ version, window, task, predictions, samples, truncated, metrics }) => ({ version, window, task, predictions, samples, truncated, metrics })),
    };
  });
}

function resultJson(outcome: FeedbackOutcome) {
  if (outcome.accepted) return { request_id: outcome.requestId, status: 'accepted', version: outcome.version };
  const { error } = outcome;
  return { request_id: outcome.requestId ?? null, status: 'error', httpStatus: error.status, code: error.code, error: error.message };
}
