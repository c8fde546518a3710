import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OPERATIONS, SCHEMAS, TAGS } from './catalogue.js';
import { documentRoute } from './document-route.js';

const refsIn = (value: unknown) => [...JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1] as string);

describe('the OpenAPI catalogue', () => {
  it('keys each entry by a method and a fastify URL, with a unique operationId and a known tag', () => {
    const ids = Object.values(OPERATIONS).map((doc) => doc.operationId);
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique, routes of other builds included');
    for (const [key, doc] of Object.entries(OPERATIONS)) {
      assert.match(key, /^(GET|POST|PUT|PATCH|DELETE) \/[^\s{}]*$/, key);
      assert.ok(doc.tag in TAGS, `${key}: tag ${doc.tag}`);
      assert.ok(Object.keys(doc.responses).some((status) => /^2/.test(status)), `${key}: no success`);
    }
  });

  it('names only schemas it defines', () => {
    const unknown = [...refsIn(OPERATIONS), ...refsIn(SCHEMAS)].filter((name) => !(name in SCHEMAS));
    assert.deepEqual([...new Set(unknown)], []);
  });

  it('documents a route without changing its own schemas, and leaves a route it does not know as it is', () => {
    const own = { params: { type: 'object', properties: { model: { type: 'string' } } } };
    const route = { method: 'GET', config: { access: 'infer' as const } };
    const { schema } = documentRoute({ schema: own, url: '/v2/models/:model', route }) as { schema: Record<string, unknown> };
    assert.equal(schema.params, own.params);
    assert.equal(schema.operationId, 'modelMetadata');
    assert.deepEqual(schema.security, [{ bearer: [] }, { apiKey: [] }]);
    assert.deepEqual(Object.keys(own), ['params']);
    const publicRoute = documentRoute({ url: '/health/live', route: { method: 'GET', config: { access: 'public' } } }).schema as Record<string, unknown>;
    assert.deepEqual(publicRoute.security, []);
    assert.equal(documentRoute({ schema: own, url: '/nowhere', route }).schema, own);
  });
});
