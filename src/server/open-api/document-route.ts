import { PERMISSION_DOCS, isPermission, type RouteAccess } from '../../access/permissions.js';
import { OPERATIONS, operationKey } from './catalogue.js';
import { json, type HeaderDoc, type OperationDoc, type ResponseDoc, type Schema } from './operation-doc.js';

/** A route as @fastify/swagger's `transform` receives it (only what is read here). */
export interface DocumentedRoute {
  readonly schema?: object;
  readonly url: string;
  readonly route: { readonly method: string | readonly string[]; readonly config?: { readonly access?: RouteAccess } };
}

/** `components.securitySchemes`: what authenticator.ts accepts. */
export const SECURITY_SCHEMES = {
  bearer: {
    type: 'http', scheme: 'bearer',
    description: '`Authorization: Bearer <credential>`: an API key, an access token from `POST /auth/login`, or a token of the configured OpenID Connect issuer',
  },
  apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'an API key (send either this or Authorization, not both)' },
} as const;

const CREDENTIAL = [{ bearer: [] }, { apiKey: [] }];
const ERROR_CODE_HEADER = { 'X-Umbral-Error-Code': { type: 'string', description: 'the error\'s code, also for HEAD' } };
const RETRY_AFTER = { 'Retry-After': { type: 'integer', description: 'seconds to wait before retrying' } };

/**
 * @fastify/swagger's `transform`: the route's own schemas (params, query, validated bodies) plus its
 * catalogue entry, as the document's operation. The route itself is untouched: what is returned
 * only goes into the document, so validation and serialisation stay as they are.
 */
export function documentRoute({ schema, url, route }: DocumentedRoute): { schema: object; url: string } {
  const method = [route.method].flat()[0] ?? 'GET';
  const doc = OPERATIONS[operationKey(method, url)];
  const own: { headers?: unknown } = schema ?? {};
  if (!doc) return { schema: own, url };
  const access = route.config?.access ?? 'public';
  return {
    url,
    schema: {
      ...own,
      operationId: doc.operationId,
      summary: doc.summary,
      description: [doc.description, accessText(access)].filter(Boolean).join('\n\n'),
      tags: [doc.tag],
      security: access === 'public' ? [] : CREDENTIAL,
      'x-umbral-access': access,
      ...(doc.body ? { body: { content: doc.body.content } } : {}),
      ...(doc.headers ? { headers: headerParams(own.headers, doc.headers) } : {}),
      response: responses(doc, access, url),
    },
  };
}

/**
 * @fastify/swagger's `transformObject`: what a route schema cannot say, set on the finished
 * document (a request body that may be left out, and what it means then); and only the component
 * schemas that the operations use, so that the schemas of routes this build lacks stay out.
 */
export function finishDocument<T extends { paths?: object; components?: { schemas?: object } }>(openapiObject: T): T {
  const byId = new Map(Object.values(OPERATIONS).map((doc) => [doc.operationId, doc]));
  for (const item of Object.values(openapiObject.paths ?? {}) as object[]) {
    for (const operation of Object.values(item) as Array<{ operationId?: string; requestBody?: Record<string, unknown> }>) {
      const body = byId.get(operation.operationId ?? '')?.body;
      if (!body || !operation.requestBody) continue;
      if (body.required === false) operation.requestBody.required = false;
      if (body.description) operation.requestBody.description = body.description;
    }
  }
  const schemas = openapiObject.components?.schemas as Record<string, unknown> | undefined;
  if (schemas) keepReferenced(schemas, openapiObject.paths);
  return openapiObject;
}

/** Deletes the schemas that `from` does not reach, directly or through other schemas. */
function keepReferenced(schemas: Record<string, unknown>, from: unknown): void {
  const refs = (value: unknown) => [...JSON.stringify(value ?? null).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1] as string);
  const kept = new Set<string>();
  const queue = refs(from);
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (kept.has(name) || !(name in schemas)) continue;
    kept.add(name);
    queue.push(...refs(schemas[name]));
  }
  for (const name of Object.keys(schemas)) if (!kept.has(name)) delete schemas[name];
}

function accessText(access: RouteAccess): string {
  if (access === 'public') return 'Public: no credential.';
  if (access === 'authenticated') return 'Needs a credential (any valid one).';
  return `Needs the \`${access}\` permission: ${isPermission(access) ? PERMISSION_DOCS[access] : ''}.`;
}

/** The route's own header schema, with the documented headers added. */
function headerParams(own: unknown, headers: Readonly<Record<string, HeaderDoc>>): Schema {
  const base = (own ?? {}) as { properties?: Record<string, unknown> };
  const properties = { ...base.properties };
  for (const [name, header] of Object.entries(headers)) properties[name] = { ...header.schema, description: header.description };
  return { ...base, type: 'object', properties };
}

/** Successes, then the route's errors and those its access and URL imply, each in the route's error shape. */
function responses(doc: OperationDoc, access: RouteAccess, url: string): Record<string, unknown> {
  const errorBody = json(doc.errorShape === 'openai' ? 'OpenAiError' : 'Error');
  const answers: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(doc.responses)) answers[status] = success(response);
  for (const [status, when] of Object.entries(errors(doc, access, url))) {
    if (status in answers) continue;
    const retry = status === '429' || status === '503' ? RETRY_AFTER : {};
    answers[status] = { description: when, content: errorBody, headers: { ...ERROR_CODE_HEADER, ...retry } };
  }
  return answers;
}

function success(response: ResponseDoc): Record<string, unknown> {
  const headers = response.headers === undefined ? {}
    : { headers: Object.fromEntries(Object.entries(response.headers).map(([name, h]) => [name, { ...h.schema, description: h.description }])) };
  return response.content ? { description: response.description, content: response.content, ...headers }
    : { description: response.description, type: 'null', ...headers };
}

/** Errors by status; where the route and access control both give one, both causes are named. */
function errors(doc: OperationDoc, access: RouteAccess, url: string): Record<string, string> {
  const implied: Record<number, string> = { 400: 'a path or query parameter is invalid (the route\'s schema, or a control character)' };
  if (url.includes(':')) implied[414] = 'a path parameter is longer than the router takes';
  if (access !== 'public') implied[401] = 'no credential, or one that is unknown, revoked or expired';
  if (isPermission(access)) implied[403] = `the credential lacks \`${access}\`${url.includes(':model') ? ', or its model allow-list does not name the model' : ''}`;
  if (access === 'infer') {
    implied[429] = 'a rate limit of the caller (Retry-After)';
    implied[503] = 'rate limits cannot be checked (Redis down, failing closed)';
  }
  const all: Record<string, string> = {};
  for (const [status, when] of [...Object.entries(implied), ...Object.entries(doc.errors)]) {
    all[status] = all[status] === undefined ? when : `${all[status]}; or ${when}`;
  }
  return all;
}
