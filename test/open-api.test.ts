import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../src/paths.js';
import type { RouteAccessEntry } from '../src/server/plugins/access-control.js';
import { testTempDir } from './helpers/temp-dir.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

interface Media { schema?: unknown }
interface Operation {
  operationId?: string; summary?: string; tags?: string[]; security?: unknown[];
  requestBody?: { required?: boolean; content: Record<string, Media> };
  parameters?: Array<{ in: string; name: string }>;
  responses: Record<string, { content?: Record<string, Media> }>;
}
interface Document { paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } }
interface Problem { ruleId: string; severity: 'error' | 'warn'; message: string; location?: Array<{ pointer?: string }> }

const REDOCLY = join(PACKAGE_ROOT, 'node_modules', '.bin', 'redocly');
const LINT_TIMEOUT_MS = 120_000;

/** Routes plugins add (the docs page itself) and CORS preflights describe nothing of the API. */
const described = (route: RouteAccessEntry) => route.method !== 'OPTIONS' && !/^\/docs(\/|$)/.test(route.url);
/** The operation of a route: HEAD is its GET's, `:name` is `{name}`. */
function operationOf(document: Document, route: RouteAccessEntry): Operation | undefined {
  const method = route.method === 'HEAD' ? 'get' : route.method.toLowerCase();
  return document.paths[route.url.replace(/:([A-Za-z_]+)/g, '{$1}')]?.[method];
}
const withSchema = (content: Record<string, Media> | undefined) => content !== undefined && Object.values(content).length > 0 && Object.values(content).every((media) => media.schema);

/** What is missing from a route's operation, if anything. */
function missing(route: RouteAccessEntry, operation: Operation | undefined): string[] {
  if (!operation) return ['no operation (add it to src/server/open-api/)'];
  const problems: string[] = [];
  if (!operation.operationId) problems.push('no operationId');
  if (!operation.summary) problems.push('no summary');
  if (!operation.tags?.length) problems.push('no tag');
  if (!Array.isArray(operation.security)) problems.push('no security');
  else if ((operation.security.length === 0) !== (route.access === 'public')) problems.push(`security ${JSON.stringify(operation.security)} for access ${route.access}`);
  const answers = Object.entries(operation.responses ?? {});
  if (!answers.some(([status, answer]) => /^2/.test(status) && (withSchema(answer.content) || status === '204'))) problems.push('no success answer with a schema');
  if (!answers.some(([status, answer]) => /^[45]/.test(status) && withSchema(answer.content))) problems.push('no error answer with a schema');
  return problems;
}

/** Runs redocly's linter, offline, on a document; its problems. */
async function lint(document: unknown): Promise<Problem[]> {
  const dir = testTempDir('umbral-openapi-');
  const file = join(dir, 'openapi.json');
  writeFileSync(file, JSON.stringify(document));
  const env = { PATH: process.env.PATH, HOME: dir, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
  const stdout = await new Promise<string>((resolve, reject) => {
    // cwd is the empty temp directory: no redocly.yaml of anyone's is read, and `recommended` is built in.
    execFile(REDOCLY, ['lint', '--extends=recommended', '--format=json', '--max-problems=100000', file], { cwd: dir, env, timeout: LINT_TIMEOUT_MS, maxBuffer: 64 << 20 },
      (error, out, err) => (out.trim().startsWith('{') ? resolve(out) : reject(new Error(`redocly failed: ${error?.message ?? ''}\n${err}`))));
  });
  return (JSON.parse(stdout) as { problems: Problem[] }).problems;
}

describe('the OpenAPI document at /docs/json', () => {
  let server: TestServer;
  const routes: RouteAccessEntry[] = [];
  let document: Document;

  before(async () => {
    server = await startTestServer({ routeTable: routes });
    const answer = await fetch(`${server.url}/docs/json`);
    assert.equal(answer.status, 200);
    document = await answer.json() as Document;
  });
  after(() => server?.shutdown('test done'));

  it('documents every route of the route table: operationId, summary, tag, security, a success and an error with schemas', () => {
    const walked = routes.filter(described);
    assert.ok(walked.length > 40, `only ${walked.length} routes`);
    const problems = walked.flatMap((route) => missing(route, operationOf(document, route)).map((problem) => `${route.method} ${route.url}: ${problem}`));
    assert.deepEqual(problems, []);
    const ids = Object.values(document.paths).flatMap((item) => Object.values(item).map((operation) => operation.operationId));
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
  });

  it('says what the routes really take and send', () => {
    const op = (path: string, method: string) => document.paths[path]?.[method] as Operation;
    const infer = op('/v2/models/{model}/infer', 'post');
    assert.deepEqual(Object.keys(infer.requestBody?.content ?? {}), ['application/json', 'application/octet-stream']);
    assert.ok(infer.parameters?.some((p) => p.in === 'header' && p.name === 'Inference-Header-Content-Length'));
    assert.ok(infer.parameters?.some((p) => p.in === 'header' && p.name === 'Content-Encoding'));
    assert.deepEqual(Object.keys(op('/v1/chat/completions', 'post').responses['200']?.content ?? {}), ['application/json', 'text/event-stream']);
    assert.deepEqual(Object.keys(op('/metrics', 'get').responses['200']?.content ?? {}), ['text/plain']);
    assert.deepEqual(Object.keys(op('/admin/models/{model}/versions', 'post').requestBody?.content ?? {}), ['multipart/form-data']);
    assert.ok('application/merge-patch+json' in (op('/admin/models/{model}/policy', 'patch').requestBody?.content ?? {}));
    assert.equal(op('/auth/logout', 'post').requestBody?.required, false);
    // Each API renders its own error body.
    assert.deepEqual(op('/v1/embeddings', 'post').responses['400']?.content?.['application/json']?.schema, { $ref: '#/components/schemas/OpenAiError' });
    assert.deepEqual(infer.responses['400']?.content?.['application/json']?.schema, { $ref: '#/components/schemas/Error' });
    assert.deepEqual(Object.keys(document.components.securitySchemes).sort(), ['apiKey', 'bearer']);
    assert.deepEqual(op('/health/live', 'get').security, []);
  });

  it('passes redocly lint --extends=recommended without errors', async (t) => {
    if (!existsSync(REDOCLY)) {
      t.skip(`redocly's linter is not installed (${REDOCLY}; a production install): the document is not linted`);
      return;
    }
    const problems = await lint(document);
    const where = (problem: Problem) => `${problem.ruleId} ${problem.location?.[0]?.pointer ?? ''}: ${problem.message}`;
    const warnings = problems.filter((problem) => problem.severity !== 'error');
    t.diagnostic(`redocly: ${problems.length - warnings.length} errors, ${warnings.length} warnings`);
    for (const warning of warnings) t.diagnostic(`warning ${where(warning)}`);
    assert.deepEqual(problems.filter((problem) => problem.severity === 'error').map(where), []);
  });

  it('serves the document as YAML and the page at /docs', async () => {
    assert.equal((await fetch(`${server.url}/docs/yaml`)).status, 200);
    assert.equal((await fetch(`${server.url}/docs`)).status, 200);
  });
});
