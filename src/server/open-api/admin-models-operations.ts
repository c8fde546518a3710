import { FORCE_PROPERTIES } from '../routes/force-option.js';
import { json, ok, ref, type OperationDoc, type ResponseDoc } from './operation-doc.js';

const M = '/admin/models/:model';
const NO_MODEL = 'the model is not in the registry';
const NO_VERSION = 'the model or version is not in the registry';
const NONE: ResponseDoc = { description: 'done; no body' };
const ETAG = { ETag: { description: 'the policy\'s revision, `"N"`: send it back in If-Match', schema: { type: 'string' } } };
const IF_MATCH = { 'If-Match': { description: 'apply only if the policy is still at this revision (the ETag of GET …/policy)', schema: { type: 'string' } } };

const upload = {
  type: 'object', required: ['artifact'],
  properties: {
    artifact: { type: 'string', format: 'binary', description: 'the model file' },
    manifest: { type: 'string', description: 'the manifest as JSON (the Manifest schema)' },
    sha256: { type: 'string', description: 'the artifact\'s expected sha256, checked on arrival' },
    alias: { type: 'string', description: 'an alias to point at the new version' },
  },
};

const LOAD = { 422: 'the version failed to load; the serving version is unchanged', 503: 'the registry is unavailable' };
const SIGNATURE = 'its inputs or outputs differ from the champion\'s (UMBRAL_ERR_SIGNATURE_MISMATCH, each difference named)';

const promoteOrRollback = (action: 'promote' | 'rollback'): OperationDoc => ({
  operationId: `${action}Model`, tag: 'admin-models',
  summary: action === 'promote' ? 'Promote the challenger to champion' : 'Point champion back at the previous version',
  ...(action === 'promote' ? { body: { content: json({ type: 'object', properties: FORCE_PROPERTIES, additionalProperties: false }), required: false, description: 'optional: an admin\'s override' } } : {}),
  responses: { 200: ok('the model with its aliases moved', 'Model') },
  errors: action === 'promote'
    ? { 400: 'force without a reason', 403: 'force without the access:admin permission', 404: NO_MODEL, 409: `the challenger alias is missing, or ${SIGNATURE}`, ...LOAD }
    : { 404: NO_MODEL, 409: 'the previous alias is missing', ...LOAD },
});

const promote: OperationDoc = {
  ...promoteOrRollback('promote'),
  description: 'With a promotion gate in the policy (`promotion`), challenger and champion are evaluated first (docs/guides/evaluation.md); '
    + 'a failed gate is refused with 409 UMBRAL_ERR_GATE_FAILED, the verdict and the report in `details`, unless an admin forces it with a reason. '
    + 'A challenger whose inputs or outputs differ from the champion\'s is refused the same way (UMBRAL_ERR_SIGNATURE_MISMATCH).',
  errors: {
    400: 'force without a reason', 403: 'force by a credential without access:admin', 404: NO_MODEL,
    409: `no challenger, ${SIGNATURE}, or the promotion gate refused it (UMBRAL_ERR_GATE_FAILED; \`details.verdict\`, \`details.report\`)`,
    ...LOAD,
  },
};

/** The registry's admin API (routes/admin-models.ts, routes/admin-policy.ts). */
export const ADMIN_MODELS_OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  'POST /admin/models': {
    operationId: 'createModel', summary: 'Create a model', tag: 'admin-models',
    responses: { 201: ok('the model', 'Model') }, errors: { 409: 'a model of that name exists', 503: 'the registry is unavailable' },
  },
  'GET /admin/models': {
    operationId: 'listRegistryModels', summary: 'List the registry\'s models', tag: 'admin-models',
    responses: { 200: ok('the models', 'ModelList') }, errors: { 503: 'the registry is unavailable' },
  },
  [`GET ${M}`]: {
    operationId: 'getRegistryModel', summary: 'A model with its versions', tag: 'admin-models',
    responses: { 200: ok('the model', 'ModelDetail') }, errors: { 404: NO_MODEL },
  },
  [`POST ${M}/versions`]: {
    operationId: 'uploadVersion', summary: 'Upload a new version (multipart)', tag: 'admin-models',
    body: { content: { 'multipart/form-data': { schema: upload } } },
    responses: { 201: ok('the version', 'ModelVersion') },
    errors: {
      404: NO_MODEL, 409: 'this artifact is already a version of the model', 413: 'the artifact is over registry.maxArtifactBytes',
      415: 'the body is not multipart/form-data', 422: 'the version failed to load', 503: 'the registry is unavailable',
    },
  },
  [`GET ${M}/versions`]: {
    operationId: 'listVersions', summary: 'List a model\'s versions', tag: 'admin-models',
    responses: { 200: ok('the versions', 'VersionList') }, errors: { 404: NO_MODEL },
  },
  [`GET ${M}/versions/:version`]: {
    operationId: 'getVersion', summary: 'One version', tag: 'admin-models',
    responses: { 200: ok('the version', 'ModelVersion') }, errors: { 404: NO_VERSION },
  },
  [`DELETE ${M}/versions/:version`]: {
    operationId: 'deleteVersion', summary: 'Delete a version no alias points at', tag: 'admin-models',
    responses: { 204: NONE }, errors: { 404: NO_VERSION, 409: 'an alias points at the version' },
  },
  [`PUT ${M}/versions/:version/tags/:tag`]: {
    operationId: 'tagVersion', summary: 'Tag a version', tag: 'admin-models', responses: { 204: NONE }, errors: { 404: NO_VERSION },
  },
  [`DELETE ${M}/versions/:version/tags/:tag`]: {
    operationId: 'untagVersion', summary: 'Remove a tag from a version', tag: 'admin-models', responses: { 204: NONE }, errors: { 404: NO_VERSION },
  },
  [`PUT ${M}/aliases/:alias`]: {
    operationId: 'setAlias', summary: 'Point an alias at a version', tag: 'admin-models',
    responses: { 200: ok('the model with the alias moved', 'Model') },
    errors: {
      400: 'force without a reason', 403: 'force without the access:admin permission', 404: NO_VERSION,
      409: `the alias is champion and ${SIGNATURE}`, 422: 'the version failed to load; nothing moved',
    },
  },
  [`DELETE ${M}/aliases/:alias`]: {
    operationId: 'deleteAlias', summary: 'Delete an alias', tag: 'admin-models',
    responses: { 200: ok('the model without the alias', 'Model') }, errors: { 404: 'the model or alias does not exist' },
  },
  [`POST ${M}/promote`]: promote,
  [`POST ${M}/rollback`]: promoteOrRollback('rollback'),
  [`POST ${M}/reload`]: {
    operationId: 'reloadModel', summary: 'Reload a model from the registry', tag: 'admin-models',
    responses: { 200: ok('the model and the versions that failed to load', 'ModelReloaded') }, errors: { 404: NO_MODEL },
  },
  [`GET ${M}/history`]: {
    operationId: 'modelHistory', summary: 'The model\'s audit log, newest first', tag: 'admin-models',
    responses: { 200: ok('a page of entries', 'AuditLog') }, errors: { 404: NO_MODEL },
  },
  [`GET ${M}/policy`]: {
    operationId: 'getPolicy', summary: 'A model\'s serving policy', tag: 'admin-models',
    responses: { 200: { ...ok('the policy and its revision', 'PolicyView'), headers: ETAG } }, errors: { 404: NO_MODEL },
  },
  [`PUT ${M}/policy`]: {
    operationId: 'replacePolicy', summary: 'Replace a model\'s serving policy', tag: 'admin-models', headers: IF_MATCH,
    body: { content: json('Policy') },
    responses: { 200: { ...ok('the new policy and revision', 'PolicyView'), headers: ETAG } },
    errors: { 404: NO_MODEL, 412: 'If-Match names another revision: read the policy again', 415: 'the body is not JSON' },
  },
  [`PATCH ${M}/policy`]: {
    operationId: 'patchPolicy', summary: 'Change part of a model\'s serving policy (JSON merge patch, RFC 7396)', tag: 'admin-models', headers: IF_MATCH,
    body: { content: { 'application/merge-patch+json': { schema: ref('Policy') }, 'application/json': { schema: ref('Policy') } }, description: 'fields to set; `null` removes one' },
    responses: { 200: { ...ok('the new policy and revision', 'PolicyView'), headers: ETAG } },
    errors: { 404: NO_MODEL, 412: 'If-Match names another revision: read the policy again', 415: 'the body is not a merge patch' },
  },
  [`GET ${M}/policy/history`]: {
    operationId: 'policyHistory', summary: 'The policy\'s revisions, newest first', tag: 'admin-models',
    responses: { 200: ok('a page of revisions', 'PolicyHistory') }, errors: { 404: NO_MODEL },
  },
};
