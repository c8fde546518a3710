import fc from 'fast-check';
import type { RouteAccessEntry } from '../../../src/server/plugins/access-control.js';
import { GOOD_PASSWORD } from '../access-kit.js';
import { addSubRequest } from '../remote-kit.js';
import { badPathParam, badQuery, badValue, nested, RAW_NUMBERS, RawJson, toJsonText } from './bad-values.js';
import { FUZZ_MODELS } from './fuzz-target.js';

/** One generated request, as sent. */
export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

/** The credential that gets past access control, so that requests reach validation and handlers. */
export interface FuzzContext {
  readonly adminKey: string;
}

/**
 * Path parameters that exist, for routes that only read (they reach real models and deep code), and
 * names that do not, for routes that change state: a delete, a promotion or a revoked key then
 * changes nothing the rest of the run depends on.
 */
const EXISTING: Readonly<Partial<Record<string, readonly string[]>>> = {
  model: FUZZ_MODELS, version: ['1', 'champion'], alias: ['champion'], tag: ['fuzz-tag'],
  id: ['no-such-key'], username: ['no-such-user'], remote: ['add-sub'], '*': ['index.html'],
};
const ABSENT: Readonly<Partial<Record<string, readonly string[]>>> = {
  model: ['fuzz-absent'], version: ['1', '999', 'fuzz-alias'], alias: ['fuzz-alias'], tag: ['fuzz-tag'],
  id: ['no-such-key'], username: ['no-such-user'], remote: ['fuzz-remote'], '*': ['nope'],
};
/** Values a write route must never get, whatever the generator makes: the admin key's id, the real models. */
const PROTECTED = new Set<string>(['bootstrap', 'champion', 'add-sub', ...FUZZ_MODELS]);

const readsOnly = (route: RouteAccessEntry) =>
  route.method === 'GET' || route.method === 'HEAD' || route.url.endsWith('/infer') || route.url.startsWith('/v1/');

const ECHO_BODY = {
  inputs: [
    { name: 'fp32', datatype: 'FP32', shape: [1, 3], data: [1, 2, 3] }, { name: 'fp64', datatype: 'FP64', shape: [1, 3], data: [1, 2, 3] },
    { name: 'int32', datatype: 'INT32', shape: [1, 3], data: [1, 2, 3] }, { name: 'int64', datatype: 'INT64', shape: [1, 3], data: [1, 2, 3] },
    { name: 'uint8', datatype: 'UINT8', shape: [1, 3], data: [1, 2, 3] }, { name: 'bool', datatype: 'BOOL', shape: [1, 3], data: [true, false, true] },
    { name: 'bytes', datatype: 'BYTES', shape: [1], data: ['x'] },
  ],
  outputs: [{ name: 'sum' }],
};
const SPAM_BODY = {
  id: 'fuzz', inputs: [{ name: 'text', datatype: 'BYTES', shape: [2], data: ['cheap meds online', 'see you at lunch'] }],
  outputs: [{ name: 'probabilities', parameters: { classification: 2 } }],
};

/** A valid body per route, for the mutations to start from: a bad request close to a good one goes deepest. */
const TEMPLATES: ReadonlyMap<string, readonly unknown[]> = new Map(Object.entries({
  'POST /admin/models': [{ name: 'fuzz-created', description: 'made by the route fuzz test' }],
  'POST /admin/keys': [{ name: 'fuzz key', scopes: ['infer'], models: ['echo'], expiresAt: '2999-01-01T00:00:00Z', limits: { requestsPerSecond: 5, concurrent: 2 } }],
  'POST /admin/users': [{ username: 'fuzz-user', password: GOOD_PASSWORD, role: 'viewer' }],
  'PUT /admin/users/:username/role': [{ role: 'viewer' }],
  'PUT /admin/models/:model/aliases/:alias': [{ version: 1 }],
  'PUT /admin/models/:model/servers': [{ servers: ['http://127.0.0.1:9'] }],
  'POST /admin/cache/clear': [{ model: 'echo' }, {}],
  'POST /auth/register': [{ username: 'fuzz-user', password: GOOD_PASSWORD }],
  'POST /auth/login': [{ username: 'fuzz-user', password: GOOD_PASSWORD }],
  'POST /auth/refresh': [{ refreshToken: 'urt_fuzz' }],
  'POST /auth/logout': [{ refreshToken: 'urt_fuzz' }],
  'POST /auth/password': [{ currentPassword: 'not the password', newPassword: GOOD_PASSWORD }],
  'POST /v1/chat/completions': [{ model: 'tutor', messages: [{ role: 'user', content: 'hi' }], temperature: 0, stream: false, user: 'x' }],
  'POST /v1/embeddings': [{ model: 'tutor', input: ['hi'] }],
}));
const INFER_BODIES: ReadonlyMap<string, unknown> = new Map<string, unknown>([['echo', ECHO_BODY], ['spam-classifier', SPAM_BODY], ['remote', addSubRequest()]]);

/** The valid bodies of a route; an inference's is the one of the model in its path. */
function templatesOf(route: RouteAccessEntry, params: ReadonlyMap<string, string>): readonly unknown[] {
  if (!route.url.endsWith('/infer')) return TEMPLATES.get(`${route.method} ${route.url}`) ?? [{}];
  const own = INFER_BODIES.get(params.get('model') ?? '');
  return own === undefined ? [...INFER_BODIES.values()] : [own];
}

type Edit = readonly [at: number, kind: 'replace' | 'delete' | 'add', value: unknown];

/** A deep copy of `template` with each edit applied at the node its number picks (every node of the tree counts). */
function mutate(template: unknown, edits: readonly Edit[]): unknown {
  const root = { value: structuredClone(template) };
  for (const [at, kind, generated] of edits) {
    const slots: Array<[Record<string, unknown> | unknown[], string | number]> = [];
    const stack: unknown[] = [root];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      if (typeof node !== 'object' || node === null || node instanceof RawJson) continue;
      for (const [key, child] of Object.entries(node)) {
        slots.push([node as Record<string, unknown>, Array.isArray(node) ? Number(key) : key]);
        if (slots.length < 500) stack.push(child);
      }
    }
    if (slots.length === 0) break; // the whole body was deleted
    const [parent, key] = slots[at % slots.length] as [Record<string, unknown>, string];
    // A copy: fast-check hands out the same constant objects again, which later edits must not change.
    const value = copy(generated);
    if (kind === 'replace') parent[key] = value;
    else if (kind === 'delete' && !Array.isArray(parent)) delete parent[key];
    else if (Array.isArray(parent)) parent.push(value);
    else if (typeof parent === 'object') parent[`fuzz${at % 7}`] = value;
  }
  return root.value;
}

/** A deep copy of a generated JSON value (shallow enough to recurse: deep nesting is RawJson text). */
function copy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || value instanceof RawJson) return value;
  if (Array.isArray(value)) return value.map(copy);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, copy(item)]));
}

const edit = fc.tuple(fc.nat(), fc.constantFrom<'replace' | 'delete' | 'add'>('replace', 'replace', 'delete', 'add'), badValue);
/** Mostly one to three edits; sometimes none, so that odd headers and paths meet a body that is valid. */
const edits = fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 4, arbitrary: fc.array(edit, { minLength: 1, maxLength: 3 }) });

/** Byte sequences that are not UTF-8: a lone continuation, an overlong NUL, an encoded surrogate, a cut sequence, 0xFF. */
const NOT_UTF8 = [[0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xff], [0xf8, 0x88, 0x80, 0x80, 0x80]];

/** A body and the content type it claims. */
interface Body {
  readonly body?: string | Uint8Array;
  readonly contentType?: string;
}

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded',
  'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/octet-stream', 'multipart/form-data',
  'multipart/form-data; boundary=', 'a/b/c', ';;;', 'application/json, text/plain', 'APPLICATION/JSON', 'text/html; charset=x'];

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constantFrom(...JSON_TYPES) },
);

const RAW_TEXTS = ['', ' ', '\n', 'null', '[]', '"x"', '0', 'true', '{', '}', '{"a":1,"a":2}', '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"admin":true}}}', '\ufeff{}', '{} trailing', '{"a":"\\u0000"}', '{"a":"\\ud800"}', 'NaN',
  "{'single': 1}", '{"a":1,}', '[1,2', '"\\x41"', '{"a":\u0000}', ...RAW_NUMBERS];

function jsonBody(template: unknown): fc.Arbitrary<Body> {
  return fc.tuple(edits, contentType).map(([changes, type]) => ({ body: toJsonText(mutate(template, changes)), contentType: type }));
}

/** JSON with bytes that are not UTF-8 spliced into it. */
function notUtf8Body(template: unknown): fc.Arbitrary<Body> {
  return fc.tuple(fc.nat(), fc.constantFrom(...NOT_UTF8)).map(([at, bad]) => {
    const text = Buffer.from(toJsonText(template));
    const cut = at % (text.length + 1);
    return { body: Buffer.concat([text.subarray(0, cut), Buffer.from(bad), text.subarray(cut)]), contentType: 'application/json' };
  });
}

function truncatedBody(template: unknown): fc.Arbitrary<Body> {
  return fc.tuple(edits, fc.nat()).map(([changes, at]) => {
    const text = toJsonText(mutate(template, changes));
    return { body: text.slice(0, at % Math.max(text.length, 1)), contentType: 'application/json' };
  });
}

/** A multipart form: its boundary used, another one, or none; cut short or not; with fields of the template. */
function multipartBody(template: unknown): fc.Arbitrary<Body> {
  return fc.tuple(fc.constantFrom('match', 'other', 'none', 'empty'), fc.boolean(), fc.nat(), fc.uint8Array({ maxLength: 64 }), badValue).map(
    ([boundary, cut, at, file, value]) => {
      const fields = typeof template === 'object' && template !== null ? Object.keys(template) : [];
      const parts = [...fields, 'manifest', 'alias', 'sha256'].map((name) =>
        `--zz\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${typeof value === 'string' ? value : toJsonText(value)}\r\n`);
      const filePart = Buffer.concat([Buffer.from('--zz\r\nContent-Disposition: form-data; name="artifact"; filename="m.onnx"\r\nContent-Type: application/octet-stream\r\n\r\n'), file, Buffer.from('\r\n--zz--\r\n')]);
      const whole = Buffer.concat([Buffer.from(parts.slice(0, 1 + (at % parts.length)).join('')), filePart]);
      const types = { match: 'multipart/form-data; boundary=zz', other: 'multipart/form-data; boundary=yy', none: 'multipart/form-data', empty: 'multipart/form-data; boundary=""' };
      return { body: cut ? whole.subarray(0, at % whole.length) : whole, contentType: types[boundary] };
    });
}

function bodyFor(route: RouteAccessEntry, params: ReadonlyMap<string, string>): fc.Arbitrary<Body> {
  if (route.method === 'HEAD') return fc.constant({});
  const template = fc.constantFrom(...templatesOf(route, params));
  const rare = route.method === 'GET' || route.method === 'DELETE' ? 1 : 4;
  return fc.oneof(
    { weight: rare === 1 ? 8 : 1, arbitrary: fc.constant({}) },
    { weight: 4 * rare, arbitrary: template.chain(jsonBody) },
    { weight: rare, arbitrary: template.chain(notUtf8Body) },
    { weight: rare, arbitrary: template.chain(truncatedBody) },
    { weight: rare, arbitrary: template.chain(multipartBody) },
    { weight: rare, arbitrary: fc.tuple(fc.constantFrom(...RAW_TEXTS), contentType).map(([body, type]) => ({ body, contentType: type })) },
    { weight: rare, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => ({ body: JSON.stringify(value), contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 256 }).map((body) => ({ body, contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.integer({ min: 2, max: 50_000 }).map((depth) => ({ body: toJsonText(nested(depth, 1)), contentType: 'application/json' })) },
  );
}

/** A path for `route` (every parameter good for its kind of route, or bad) and the parameters in it. */
function pathFor(route: RouteAccessEntry): fc.Arbitrary<{ path: string; params: ReadonlyMap<string, string> }> {
  const names = [...route.url.matchAll(/:([a-zA-Z]+)|\*/g)].map((match) => match[1] ?? '*');
  const good = readsOnly(route) ? EXISTING : ABSENT;
  const value = (name: string) => fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...(good[name] ?? ['x'])) },
    { weight: 2, arbitrary: readsOnly(route) ? badPathParam : badPathParam.filter((text) => !PROTECTED.has(text)) },
  );
  return fc.tuple(fc.tuple(...names.map(value)), badQuery).map(([values, query]) => {
    let index = 0;
    const path = route.url.replace(/:[a-zA-Z]+|\*/g, () => values[index++] as string);
    return { path: `${path}${query}`, params: new Map(names.map((name, i) => [name, values[i] as string])) };
  });
}

/** Headers that are odd but legal on the wire: content type, accept, content encoding, every form of credential. */
function headersFor(context: FuzzContext): fc.Arbitrary<Record<string, string>> {
  const key = context.adminKey;
  const credential = fc.oneof(
    { weight: 10, arbitrary: fc.constant({ authorization: `Bearer ${key}` }) },
    { weight: 2, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.constant({ 'x-api-key': key }) },
    {
      weight: 3,
      arbitrary: fc.constantFrom<Record<string, string>>(
        { authorization: 'Bearer' }, { authorization: 'Bearer ' }, { authorization: `bearer ${key}` }, { authorization: `Bearer  ${key}` },
        { authorization: 'Basic dXNlcjpwYXNz' }, { authorization: `Bearer ${'x'.repeat(9000)}` }, { authorization: 'Bearer a.b.c' },
        { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.' }, { authorization: `Bearer ${key}`, 'x-api-key': key },
        { authorization: `Bearer ${key}x` }, { 'x-api-key': '' }, { authorization: 'Digest username="a"' }, { authorization: `Bearer ${key},${key}` },
      ),
    },
  );
  const extra = fc.record({
    accept: fc.constantFrom('*/*', 'application/json', 'text/html', 'application/xml;q=0.9', 'text/event-stream', 'nonsense', ''),
    'content-encoding': fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'x-custom', 'gzip, gzip', ''),
    'x-request-id': fc.constantFrom('fuzz-1', 'x'.repeat(300), '../../x', '', 'a b'),
    'accept-encoding': fc.constantFrom('gzip', 'br', '*', 'x;q=2'),
  }, { requiredKeys: [] });
  return fc.tuple(credential, extra).map(([a, b]) => ({ ...b, ...a }));
}

/** Generated bad requests for one route of the route table. */
export function badRequest(route: RouteAccessEntry, context: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const parts = pathFor(route).chain(({ path, params }) => fc.tuple(fc.constant(path), headersFor(context), bodyFor(route, params)));
  return parts.map(([path, headers, { body, contentType: type }]) => ({
    method: route.method, path,
    headers: type === undefined || body === undefined ? headers : { ...headers, 'content-type': type },
    ...(body === undefined ? {} : { body }),
  }));
}
