import type { FastifyInstance } from 'fastify';
import type { AbReportResult, VariantReport } from '../../mlops/ab-report/ab-report.js';
import type { LiveQuality } from '../../mlops/quality/open-live-quality.js';

export interface AdminAbReportDeps {
  readonly quality: Pick<LiveQuality, 'abReport'>;
}

type M = { Params: { model: string }; Querystring: { window?: string } };
const params = { type: 'object', required: ['model'], properties: { model: { type: 'string', minLength: 1, maxLength: 128 } } } as const;
const querystring = { type: 'object', properties: { window: { type: 'string', minLength: 1, maxLength: 16 } } } as const;

/** `GET /admin/models/{m}/ab-report?window=24h`: the A/B report of a split model (docs/guides/traffic.md). */
export async function adminAbReportRoutes(app: FastifyInstance, deps: AdminAbReportDeps): Promise<void> {
  app.get<M>('/admin/models/:model/ab-report', { config: { access: 'admin:read' }, schema: { params, querystring } }, async (request) =>
    reportJson(await deps.quality.abReport.report(request.params.model, request.query.window)));
}

/** The report as the admin API answers it (snake_case, intervals as [low, high]). */
export function reportJson(report: AbReportResult) {
  return {
    model: report.model, window: report.window, from: report.from.toISOString(), to: report.to.toISOString(), logged: report.logged,
    variants: report.variants.map(variantJson),
  };
}

function variantJson(variant: VariantReport) {
  const quality = variant.quality;
  return {
    variant: variant.variant, target: variant.target, weight: variant.weight, versions: variant.versions,
    requests: variant.requests, errors: variant.errors, client_errors: variant.clientErrors,
    error_rate: variant.errorRate, error_rate_ci95: variant.errorRateInterval ? [variant.errorRateInterval.low, variant.errorRateInterval.high] : null,
    quality: quality ? {
      task: quality.task, samples: quality.samples, metric: quality.metric, value: quality.value,
      ci95: quality.interval ? [quality.interval.low, quality.interval.high] : null, metrics: quality.metrics,
    } : null,
  };
}
