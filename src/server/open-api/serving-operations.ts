import { json, ok, object, string, type OperationDoc } from './operation-doc.js';

const M = '/admin/models/:model';
const NOT_REMOTE = 'the model is not remote (or, for the repository, not kserve)';
const UPSTREAM = { 404: 'the model is not served', 409: NOT_REMOTE, 502: 'the upstream refused or failed', 503: 'no upstream server answers' };

const repositoryAction = (action: 'load' | 'unload'): OperationDoc => ({
  operationId: `${action}RemoteModel`, summary: `${action === 'load' ? 'Load' : 'Unload'} a model on the upstream servers (Triton's repository extension)`,
  tag: 'admin-serving', responses: { 200: ok('done on every server', 'RepositoryAction') }, errors: UPSTREAM,
});

/** Upstreams and the response cache (routes/admin-upstreams.ts, routes/admin-cache.ts). */
export const SERVING_OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  'GET /admin/breakers': {
    operationId: 'listBreakers', summary: 'Every remote model\'s servers: health and circuit breakers', tag: 'admin-serving',
    responses: { 200: ok('the upstreams', 'Breakers') }, errors: {},
  },
  [`GET ${M}/servers`]: {
    operationId: 'getServers', summary: 'A remote model\'s servers', tag: 'admin-serving',
    responses: { 200: ok('per version, its servers', 'ModelServers') }, errors: { 404: 'the model is not served', 409: NOT_REMOTE },
  },
  [`PUT ${M}/servers`]: {
    operationId: 'setServers', summary: 'Replace a remote model\'s server list (kept in its policy)', tag: 'admin-serving',
    responses: { 200: ok('the servers now, and the policy revision', 'ModelServers') },
    errors: { 404: 'the model is not served', 409: NOT_REMOTE },
  },
  [`GET ${M}/repository`]: {
    operationId: 'getRemoteRepository', summary: 'The model repository of a remote model\'s servers', tag: 'admin-serving',
    responses: { 200: ok('what each server holds', 'UpstreamRepository') }, errors: UPSTREAM,
  },
  [`POST ${M}/repository/:remote/load`]: repositoryAction('load'),
  [`POST ${M}/repository/:remote/unload`]: repositoryAction('unload'),
  'GET /admin/cache': {
    operationId: 'getCache', summary: 'Response cache: store and per-model counts', tag: 'admin-serving',
    responses: { 200: ok('the cache\'s state in this process', 'CacheStats') }, errors: {},
  },
  'POST /admin/cache/clear': {
    operationId: 'clearCache', summary: 'Clear the response cache, of one model or all', tag: 'admin-serving',
    body: { content: json(object({ model: string }, ['model'])), required: false, description: 'no body (or `{}`): every model' },
    responses: { 200: ok('how many entries went', 'CacheCleared') },
    errors: { 404: 'the model is not served', 503: 'the shared cache (Redis) is unreachable' },
  },
};
