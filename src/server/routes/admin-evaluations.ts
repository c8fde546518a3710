import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Errors } from '../../errors/catalogue.js';
import type { DatasetSummary, ReportSummary } from '../../mlops/evaluation/evaluation-store.js';
import type { Evaluations } from '../../mlops/evaluation/evaluations.js';
import { readTextBody } from './read-text-body.js';

export interface AdminEvaluationDeps {
  readonly evaluations: Evaluations;
  /** Largest dataset body taken (evaluation.maxDatasetBytes). */
  readonly maxDatasetBytes: number;
}

type M = { Params: { model: string } };
type MD = { Params: { model: string; name: string } };

const nameParam = { type: 'string', minLength: 1, maxLength: 128 } as const;
const params = (...names: string[]) => ({ type: 'object', properties: Object.fromEntries(names.map((n) => [n, nameParam])), required: names });
const actor = (request: FastifyRequest) => request.principal?.actor ?? 'anonymous';

const evaluateBody = {
  type: 'object', additionalProperties: false, required: ['dataset', 'versions'],
  properties: {
    dataset: nameParam,
    versions: { type: 'array', minItems: 1, maxItems: 4, items: nameParam },
    sample: { type: 'integer', minimum: 1, maximum: 10_000_000 },
    seed: { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1 },
  },
} as const;

/**
 * Evaluation datasets and reports (docs/guides/evaluation.md). A dataset is pushed as JSON lines,
 * read as text whatever its content type, up to evaluation.maxDatasetBytes rather than the server's
 * body limit; an evaluation runs on demand and answers its stored report.
 */
export async function adminEvaluationRoutes(app: FastifyInstance, deps: AdminEvaluationDeps): Promise<void> {
  const { evaluations, maxDatasetBytes } = deps;

  await app.register(async (upload) => {
    // This context's own parser: the dataset is JSON lines, not one JSON document.
    upload.removeAllContentTypeParsers();
    upload.addContentTypeParser('*', (request, payload, done) => {
      readTextBody(request, payload, maxDatasetBytes, () => Errors.datasetTooLarge(`more than ${maxDatasetBytes} bytes (evaluation.maxDatasetBytes)`))
        .then((text) => done(null, text), (error: Error) => done(error, undefined));
    });
    upload.post<M & { Querystring: { name: string }; Body: string }>('/admin/models/:model/datasets', {
      config: { access: 'admin:write' }, bodyLimit: maxDatasetBytes,
      schema: { params: params('model'), querystring: { type: 'object', properties: { name: nameParam }, required: ['name'], additionalProperties: false } },
    }, async (request, reply) => {
      const { dataset, created } = await evaluations.pushDataset(request.params.model, request.query.name, typeof request.body === 'string' ? request.body : '', actor(request));
      return reply.code(created ? 201 : 200).send({ model: request.params.model, ...datasetJson(dataset), created });
    });
  });

  app.get<M>('/admin/models/:model/datasets', { config: { access: 'admin:read' }, schema: { params: params('model') } }, async (request) => ({
    datasets: (await evaluations.datasets(request.params.model)).map(datasetJson),
  }));

  app.get<MD>('/admin/models/:model/datasets/:name', { config: { access: 'admin:read' }, schema: { params: params('model', 'name') } }, async (request) =>
    datasetJson(await evaluations.dataset(request.params.model, request.params.name)));

  app.delete<MD>('/admin/models/:model/datasets/:name', { config: { access: 'admin:write' }, schema: { params: params('model', 'name') } }, async (request, reply) => {
    await evaluations.deleteDataset(request.params.model, request.params.name);
    return reply.code(204).send();
  });

  app.post<M & { Body: { dataset: string; versions: string[]; sample?: number; seed?: number } }>('/admin/models/:model/evaluations', {
    config: { access: 'admin:write' }, schema: { params: params('model'), body: evaluateBody },
  }, async (request, reply) => {
    const report = await evaluations.evaluate(request.params.model, request.body, actor(request));
    return reply.code(201).send(report);
  });

  app.get<M & { Querystring: { version?: number; limit?: number } }>('/admin/models/:model/evaluations', {
    config: { access: 'admin:read' },
    schema: {
      params: params('model'),
      querystring: { type: 'object', additionalProperties: false, properties: { version: { type: 'integer', minimum: 1, maximum: 2_147_483_647 }, limit: { type: 'integer', minimum: 1, maximum: 1000 } } },
    },
  }, async (request) => ({ evaluations: (await evaluations.reports(request.params.model, request.query)).map(reportSummaryJson) }));

  app.get<{ Params: { model: string; id: string } }>('/admin/models/:model/evaluations/:id', {
    config: { access: 'admin:read' }, schema: { params: params('model', 'id') },
  }, async (request) => evaluations.report(request.params.model, request.params.id));

  app.get<{ Params: { model: string; version: string } }>('/admin/models/:model/versions/:version/evaluations', {
    config: { access: 'admin:read' }, schema: { params: params('model', 'version') },
  }, async (request) => {
    const { model, version } = request.params;
    if (!/^\d{1,9}$/.test(version) || Number(version) < 1) throw Errors.versionNotFound(model, version);
    return { evaluations: (await evaluations.reports(model, { version: Number(version) })).map(reportSummaryJson) };
  });
}

function datasetJson(dataset: DatasetSummary) {
  return { ...dataset, createdAt: dataset.createdAt.toISOString() };
}

function reportSummaryJson(report: ReportSummary) {
  return { ...report, createdAt: report.createdAt.toISOString() };
}
