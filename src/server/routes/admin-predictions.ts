import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Errors } from '../../errors/catalogue.js';
import { EXPORT_FORMATS, EXPORT_MEDIA_TYPES, exportHeader, exportPage, type ExportFormat } from '../../mlops/prediction-export/export-format.js';
import { readPredictionPages, type ExportedPrediction } from '../../mlops/prediction-export/prediction-pages.js';
import type { Registry } from '../../registry/registry.js';
import type { Queryable } from '../../store/database.js';

export interface AdminPredictionsDeps {
  readonly db: Queryable;
  readonly registry: Pick<Registry, 'getModel'>;
}

type Query = { from?: string; to?: string; version?: string; format?: string };
const params = { type: 'object', required: ['model'], properties: { model: { type: 'string', minLength: 1, maxLength: 128 } } } as const;
const query = {
  type: 'object',
  properties: {
    from: { type: 'string', maxLength: 64 }, to: { type: 'string', maxLength: 64 },
    version: { type: 'string', minLength: 1, maxLength: 128 }, format: { type: 'string', maxLength: 16 },
  },
} as const;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/**
 * The prediction log's export (docs/guides/monitoring.md, "Exporting predictions"): one model's
 * records in `[from, to)`, of one version or all, as JSON lines or CSV (`format`, else the Accept
 * header, else JSON lines), each with its label. Streamed page by page, never held whole.
 */
export async function adminPredictionsRoutes(app: FastifyInstance, deps: AdminPredictionsDeps): Promise<void> {
  app.get<{ Params: { model: string }; Querystring: Query }>('/admin/models/:model/predictions', {
    config: { access: 'admin:read' }, schema: { params, querystring: query },
  }, async (request, reply) => {
    const { model } = request.params;
    const from = time(request.query.from, 'from');
    const to = time(request.query.to, 'to');
    if (from && to && from.getTime() >= to.getTime()) throw Errors.invalidRequest('to', 'must be later than from');
    const format = formatOf(request);
    if (!(await deps.registry.getModel(model))) throw Errors.modelNotFound(model);
    const pages = readPredictionPages(deps.db, { model, from, to, version: request.query.version });
    // The first page is read before the answer starts: a database that is down is a 503, not a cut stream.
    const first = await pages.next();
    reply.type(EXPORT_MEDIA_TYPES[format]).header('content-disposition', `attachment; filename="${model}-predictions.${format}"`);
    return reply.send(Readable.from(chunks(format, first, pages)));
  });
}

async function* chunks(format: ExportFormat, first: IteratorResult<ExportedPrediction[]>, rest: AsyncGenerator<ExportedPrediction[]>): AsyncGenerator<string> {
  yield exportHeader(format);
  if (first.done) return;
  yield exportPage(format, first.value);
  for await (const page of rest) yield exportPage(format, page);
}

function time(text: string | undefined, name: string): Date | undefined {
  if (text === undefined || text === '') return undefined;
  const parsed = ISO_TIME.test(text) ? new Date(text) : undefined;
  if (!parsed || Number.isNaN(parsed.getTime()) || !realDay(text)) {
    throw Errors.invalidRequest(name, `'${text}' is not an ISO 8601 time; give a date (2026-01-31) or a date-time with an offset (2026-01-31T12:00:00Z)`);
  }
  return parsed;
}

/** Date parses 2026-02-30 as March 2nd: the day must exist in its month. */
function realDay(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
}

/** `format`, else what Accept asks for (text/csv, application/x-ndjson), else JSON lines. */
function formatOf(request: FastifyRequest<{ Querystring: Query }>): ExportFormat {
  const asked = request.query.format;
  if (asked !== undefined) {
    if ((EXPORT_FORMATS as readonly string[]).includes(asked)) return asked as ExportFormat;
    throw Errors.invalidRequest('format', `'${asked}' is not an export format; use ${EXPORT_FORMATS.join(' or ')}`);
  }
  const accept = String(request.headers.accept ?? '');
  return /\btext\/csv\b/i.test(accept) ? 'csv' : 'jsonl';
}
