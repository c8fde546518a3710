import { UmbralError } from './umbral-error.js';

/**
 * The catalogue of every error umbral reports: code, HTTP status, retryable, exposed, message.
 * Messages say what went wrong and what to fix. Core code throws `Errors.x(...)`; nothing else
 * constructs an UmbralError.
 */
interface Definition {
  status: number;
  retryable?: boolean;
  exposed?: boolean;
}

function define<A extends unknown[]>(
  code: string,
  def: Definition,
  message: (...args: A) => string,
  retryAfterSeconds?: (...args: A) => number,
) {
  const factory = (...args: A): UmbralError =>
    new UmbralError(code, message(...args), def.status, def.retryable ?? false, def.exposed ?? def.status < 500,
      retryAfterSeconds?.(...args));
  return Object.assign(factory, { code, status: def.status });
}

export const Errors = {
  // Request shape (400, 413, 415)
  invalidJson: define('UMBRAL_ERR_INVALID_JSON', { status: 400 }, (detail: string) =>
    `request body is not valid JSON (${detail}); send a JSON object`),
  invalidRequest: define('UMBRAL_ERR_INVALID_REQUEST', { status: 400 }, (path: string, problem: string) =>
    `${path}: ${problem}`),
  urlTooLong: define('UMBRAL_ERR_URL_TOO_LONG', { status: 414 }, (limit: number) =>
    `a path segment of the URL is longer than ${limit} characters; names are at most 128`),
  bodyTooLarge: define('UMBRAL_ERR_BODY_TOO_LARGE', { status: 413 }, (limitBytes: number) =>
    `request body is larger than the limit of ${limitBytes} bytes (a gzip or deflate body: once decompressed); send fewer rows per request`),
  unsupportedEncoding: define('UMBRAL_ERR_UNSUPPORTED_ENCODING', { status: 415 }, (encoding: string) =>
    `content encoding '${encoding}' is not supported; send the body as is, or compressed with gzip or deflate`),
  invalidEncoding: define('UMBRAL_ERR_INVALID_ENCODING', { status: 400 }, (encoding: string, detail: string) =>
    `request body is not valid ${encoding} data (${detail}); compress the whole body once, or leave out Content-Encoding`),
  unsupportedMediaType: define('UMBRAL_ERR_UNSUPPORTED_MEDIA_TYPE', { status: 415 }, (type: string, accepted = 'application/json') =>
    `content type '${type}' is not supported here; send ${accepted}`),
  invalidShape: define('UMBRAL_ERR_INVALID_SHAPE', { status: 400 }, (input: string, problem: string) =>
    `input '${input}': invalid shape: ${problem}`),
  invalidData: define('UMBRAL_ERR_INVALID_DATA', { status: 400 }, (input: string, problem: string) =>
    `input '${input}': invalid data: ${problem}`),
  dataLengthMismatch: define('UMBRAL_ERR_DATA_LENGTH_MISMATCH', { status: 400 },
    (input: string, expected: number, actual: number) =>
      `input '${input}': shape holds ${expected} elements but data has ${actual}; make shape and data agree`),
  unsupportedDatatype: define('UMBRAL_ERR_UNSUPPORTED_DATATYPE', { status: 400 }, (input: string, datatype: string) =>
    `input '${input}': datatype '${datatype}' is not supported in JSON data; use one of BOOL, UINT8…UINT64, INT8…INT64, FP32, FP64, BYTES, or send FP16 / BF16 as binary data ("parameters": {"binary_data_size": n})`),
  invalidParameter: define('UMBRAL_ERR_INVALID_PARAMETER', { status: 400 }, (name: string, problem: string) =>
    `parameter '${name}': ${problem}`),

  // Request against the model's signature (400)
  unknownInput: define('UMBRAL_ERR_UNKNOWN_INPUT', { status: 400 }, (input: string, model: string, known: string[]) =>
    `input '${input}' is not an input of model '${model}'; its inputs are: ${known.join(', ')}`),
  missingInput: define('UMBRAL_ERR_MISSING_INPUT', { status: 400 }, (input: string, model: string) =>
    `input '${input}' of model '${model}' is missing from the request`),
  duplicateInput: define('UMBRAL_ERR_DUPLICATE_INPUT', { status: 400 }, (input: string) =>
    `input '${input}' appears more than once; send each input once`),
  datatypeMismatch: define('UMBRAL_ERR_DATATYPE_MISMATCH', { status: 400 },
    (input: string, expected: string, actual: string) =>
      `input '${input}': datatype must be ${expected}, got ${actual}`),
  shapeMismatch: define('UMBRAL_ERR_SHAPE_MISMATCH', { status: 400 }, (input: string, expected: string, actual: string) =>
    `input '${input}': shape must match ${expected} (-1 = any size), got [${actual}]`),
  emptyInput: define('UMBRAL_ERR_EMPTY_INPUT', { status: 400 }, (input: string, shape: string) =>
    `input '${input}' holds no elements (shape [${shape}]), so there is nothing to run; send at least one row, or skip the call`),
  batchTooLarge: define('UMBRAL_ERR_BATCH_TOO_LARGE', { status: 400 }, (input: string, batch: number, max: number) =>
    `input '${input}': batch size ${batch} is above the model's max_batch_size of ${max}; split the request`),
  batchMismatch: define('UMBRAL_ERR_BATCH_MISMATCH', { status: 400 }, (detail: string) =>
    `inputs disagree on the batch size (${detail}); every input must have the same first dimension`),
  bytesNotText: define('UMBRAL_ERR_BYTES_NOT_TEXT', { status: 400 }, (input: string, model: string) =>
    `input '${input}': model '${model}' takes BYTES as UTF-8 text (an ONNX string tensor), and an element is not valid UTF-8; send text, or serve the model where it takes raw bytes`),
  outputNotText: define('UMBRAL_ERR_OUTPUT_NOT_TEXT', { status: 406 }, (output: string) =>
    `output '${output}' holds BYTES that are not UTF-8 text, which a JSON answer cannot carry unaltered; ask for it as binary data: "parameters": {"binary_data": true} on the output, or gRPC`),
  unknownOutput: define('UMBRAL_ERR_UNKNOWN_OUTPUT', { status: 400 }, (output: string, model: string, known: string[]) =>
    `output '${output}' is not an output of model '${model}'; its outputs are: ${known.join(', ')}`),

  // Routing (404, 405)
  modelNotFound: define('UMBRAL_ERR_MODEL_NOT_FOUND', { status: 404 }, (model: string) =>
    `model '${model}' is not known to this server; GET /admin/models lists the models it serves (needs admin:read)`),
  versionNotFound: define('UMBRAL_ERR_VERSION_NOT_FOUND', { status: 404 }, (model: string, version: string) =>
    `version '${version}' of model '${model}' is not served; GET /v2/models/${model} lists the versions it serves`),
  routeNotFound: define('UMBRAL_ERR_ROUTE_NOT_FOUND', { status: 404 }, (method: string, url: string) =>
    `no route ${method} ${url}`),
  methodNotAllowed: define('UMBRAL_ERR_METHOD_NOT_ALLOWED', { status: 405 }, (method: string, url: string, allowed: readonly string[]) =>
    `${url} does not answer ${method}; it answers ${allowed.join(', ')}`),
  unknownVariant: define('UMBRAL_ERR_UNKNOWN_VARIANT', { status: 400 }, (model: string, variant: string, known: string[]) =>
    `x-umbral-variant: model '${model}' has no variant '${variant}' in its traffic split; its variants are: ${known.join(', ')}`),

  // Availability (503, 504, 499)
  modelNotReady: define('UMBRAL_ERR_MODEL_NOT_READY', { status: 503, retryable: true }, (model: string, cause: string) =>
    `model '${model}' is not ready: ${cause}`),
  queueFull: define('UMBRAL_ERR_QUEUE_FULL', { status: 503, retryable: true, exposed: true },
    (model: string, size: number, _retryAfterSeconds: number) =>
      `model '${model}' has ${size} requests queued, its limit; retry after the Retry-After delay`,
    (_model, _size, retryAfterSeconds) => retryAfterSeconds),
  overloaded: define('UMBRAL_ERR_OVERLOADED', { status: 503, retryable: true, exposed: true },
    (model: string, waitMs: number, targetMs: number, _retryAfterSeconds: number) =>
      `model '${model}' is overloaded: a request would wait about ${Math.round(waitMs)} ms behind those it holds, over its limit of ${targetMs} ms `
      + '(dynamic_batching.max_queue_wait_ms); retry after the Retry-After delay',
    (_model, _waitMs, _targetMs, retryAfterSeconds) => retryAfterSeconds),
  shuttingDown: define('UMBRAL_ERR_SHUTTING_DOWN', { status: 503, retryable: true, exposed: true }, () =>
    'server is shutting down; send the request to another replica', () => 1),
  deadlineExceeded: define('UMBRAL_ERR_DEADLINE_EXCEEDED', { status: 504, retryable: true, exposed: true },
    (ms: number) => `request did not finish within its deadline of ${ms} ms`),
  cancelled: define('UMBRAL_ERR_CANCELLED', { status: 499 }, () => 'request was cancelled by the client'),

  // Access control (401, 403, 429)
  unauthenticated: define('UMBRAL_ERR_UNAUTHENTICATED', { status: 401 }, (detail: string) =>
    `${detail}; send 'Authorization: Bearer <API key or access token>' or 'X-API-Key: <key>'`),
  invalidCredentials: define('UMBRAL_ERR_INVALID_CREDENTIALS', { status: 401 }, () =>
    'the username or password is wrong, or the account is disabled'),
  tokenInvalid: define('UMBRAL_ERR_TOKEN_INVALID', { status: 401 }, (reason: string) =>
    `the access token was refused (${reason}); log in again or refresh it`),
  refreshTokenInvalid: define('UMBRAL_ERR_REFRESH_TOKEN_INVALID', { status: 401 }, (reason: string) =>
    `the refresh token was refused (${reason}); log in again`),
  forbidden: define('UMBRAL_ERR_FORBIDDEN', { status: 403 }, (needed: string) =>
    `this credential lacks the '${needed}' permission; ask an admin for a key or role that has it`),
  modelNotAllowed: define('UMBRAL_ERR_MODEL_NOT_ALLOWED', { status: 403 }, (model: string) =>
    `this credential may not use model '${model}'; its model allow-list does not name it`),
  variantOverrideForbidden: define('UMBRAL_ERR_VARIANT_OVERRIDE_FORBIDDEN', { status: 403 }, (needed: string) =>
    `x-umbral-variant chooses the traffic variant for testing and needs the '${needed}' permission (operators and admins), which this credential lacks; send the request without the header`),
  scopeNotHeld: define('UMBRAL_ERR_SCOPE_NOT_HELD', { status: 403 }, (scope: string) =>
    `a credential can only grant, or revoke keys with, permissions it holds itself, and this one lacks '${scope}'`),
  roleNotHeld: define('UMBRAL_ERR_ROLE_NOT_HELD', { status: 403 }, (what: string, permission: string) =>
    `${what} includes '${permission}', which this credential does not hold; a credential can only give roles, `
    + 'and change users that have roles, whose every permission it holds itself'),
  modelsNotHeld: define('UMBRAL_ERR_MODELS_NOT_HELD', { status: 403 }, (problem: string) =>
    `${problem}; a credential can only grant the models of its own allow-list`),
  limitsNotHeld: define('UMBRAL_ERR_LIMITS_NOT_HELD', { status: 403 }, (problem: string) =>
    `${problem}; a credential can only grant limits as tight as its own, or tighter`),
  expiryNotHeld: define('UMBRAL_ERR_EXPIRY_NOT_HELD', { status: 403 }, (problem: string) =>
    `${problem}; a credential that expires can only grant what expires with it, or earlier`),
  sessionNotOwned: define('UMBRAL_ERR_SESSION_NOT_OWNED', { status: 403 }, (problem: string) =>
    `${problem}; a user can only log out its own sessions`),
  registrationClosed: define('UMBRAL_ERR_REGISTRATION_CLOSED', { status: 403 }, () =>
    'self-registration is closed on this server (auth.registration is admin); ask an admin to create your account'),
  weakPassword: define('UMBRAL_ERR_WEAK_PASSWORD', { status: 400 }, (problem: string) =>
    `the password is refused: ${problem}`),
  invalidUsername: define('UMBRAL_ERR_INVALID_USERNAME', { status: 400 }, (username: string) =>
    `username '${username}' is not valid; use 3-64 lower-case letters, digits, '.', '_', '@' or '-', starting with a letter or digit`),
  userExists: define('UMBRAL_ERR_USER_EXISTS', { status: 409 }, (username: string) =>
    `a user named '${username}' already exists`),
  userNotFound: define('UMBRAL_ERR_USER_NOT_FOUND', { status: 404 }, (username: string) =>
    `there is no user named '${username}'; GET /admin/users lists them`),
  keyNotFound: define('UMBRAL_ERR_KEY_NOT_FOUND', { status: 404 }, (id: string) =>
    `there is no API key with id '${id}'; GET /admin/keys lists them`),
  lastAdmin: define('UMBRAL_ERR_LAST_ADMIN', { status: 409 }, (username: string) =>
    `'${username}' is the last enabled admin user; make another user admin first`),
  rateLimited: define('UMBRAL_ERR_RATE_LIMITED', { status: 429, retryable: true },
    (limit: string, _retryAfterSeconds: number) => `rate limit exceeded (${limit}); retry after the Retry-After delay`,
    (_limit, retryAfterSeconds) => retryAfterSeconds),
  loginThrottled: define('UMBRAL_ERR_LOGIN_THROTTLED', { status: 429, retryable: true },
    (_retryAfterSeconds: number) => 'too many failed logins for this account or address; retry after the Retry-After delay',
    (retryAfterSeconds) => retryAfterSeconds),
  rateLimitUnavailable: define('UMBRAL_ERR_RATE_LIMIT_UNAVAILABLE', { status: 503, retryable: true, exposed: true }, () =>
    'rate limits cannot be checked (Redis is unreachable) and this server fails closed; retry later'),

  // Response cache
  cacheUnavailable: define('UMBRAL_ERR_CACHE_UNAVAILABLE', { status: 503, retryable: true, exposed: true }, () =>
    'the shared response cache (Redis) cannot be reached, so the entries it holds were not cleared; retry when Redis is back'),

  // Registry and artifacts (admin API)
  invalidName: define('UMBRAL_ERR_INVALID_NAME', { status: 400 }, (what: string, name: string) =>
    `${what} '${name}' is not a valid name; use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit`),
  modelExists: define('UMBRAL_ERR_MODEL_EXISTS', { status: 409 }, (model: string) =>
    `model '${model}' already exists`),
  duplicateVersion: define('UMBRAL_ERR_DUPLICATE_VERSION', { status: 409 }, (model: string, version: number) =>
    `this artifact is already version ${version} of model '${model}'; point an alias at it instead`),
  aliasNotFound: define('UMBRAL_ERR_ALIAS_NOT_FOUND', { status: 404 }, (model: string, alias: string) =>
    `model '${model}' has no alias '${alias}'`),
  versionAliased: define('UMBRAL_ERR_VERSION_ALIASED', { status: 409 }, (model: string, version: number, aliases: string[]) =>
    `version ${version} of model '${model}' is pointed to by ${aliases.join(', ')}; move those aliases first`),
  nothingToPromote: define('UMBRAL_ERR_NOTHING_TO_PROMOTE', { status: 409 }, (model: string, missing: string) =>
    `model '${model}' has no '${missing}' alias; set it first`),
  policyInvalid: define('UMBRAL_ERR_POLICY_INVALID', { status: 400 }, (problems: string[]) =>
    problems.length === 1 ? `the policy is invalid: ${problems[0]}`
      : `the policy is invalid (${problems.length} problems): ${problems.join('; ')}`),
  policyConflict: define('UMBRAL_ERR_POLICY_CONFLICT', { status: 412 }, (model: string, current: number, expected: number) =>
    `the policy of model '${model}' is at revision ${current}, not the ${expected} this change was based on; read it again and reapply the change`),
  artifactHashMismatch: define('UMBRAL_ERR_ARTIFACT_HASH_MISMATCH', { status: 400 }, (expected: string, actual: string) =>
    `the artifact's sha256 is ${actual}, not the ${expected} that was sent; the upload was corrupted or the hash is wrong`),
  artifactTooLarge: define('UMBRAL_ERR_ARTIFACT_TOO_LARGE', { status: 413 }, (limitBytes: number) =>
    `the artifact is larger than the limit of ${limitBytes} bytes (registry.maxArtifactBytes)`),
  artifactInvalid: define('UMBRAL_ERR_ARTIFACT_INVALID', { status: 400 }, (detail: string) =>
    `the artifact cannot be served: ${detail}`),
  manifestInvalid: define('UMBRAL_ERR_MANIFEST_INVALID', { status: 400 }, (problems: string[]) =>
    `the manifest is invalid: ${problems.join('; ')}`),
  versionLoadFailed: define('UMBRAL_ERR_VERSION_LOAD_FAILED', { status: 422 }, (model: string, version: string, detail: string) =>
    `version ${version} of model '${model}' failed to load, the serving version is unchanged: ${detail}`),
  signatureMismatch: define('UMBRAL_ERR_SIGNATURE_MISMATCH', { status: 409 }, (model: string, version: number, alias: string, serving: number, differences: string[]) =>
    `version ${version} of model '${model}' cannot become '${alias}': its signature differs from version ${serving}, which serves now `
    + `(${differences.join('; ')}); clients would get errors. Push a version with the same inputs and outputs, or an admin may force it with a reason`),
  // Backups (docs/operations/backups.md)
  backupInvalid: define('UMBRAL_ERR_BACKUP_INVALID', { status: 400 }, (path: string, detail: string) =>
    `${path} is not a usable umbral backup: ${detail}; restore another backup, or take a new one with umbral backup`),
  backupExists: define('UMBRAL_ERR_BACKUP_EXISTS', { status: 409 }, (path: string) =>
    `${path} exists; a backup is never written over anything: name a new path`),
  backupSchemaNewer: define('UMBRAL_ERR_BACKUP_SCHEMA_NEWER', { status: 409 }, (what: string, detail: string) =>
    `${what} (${detail}); restore with the umbral version that took the backup, or a newer one, into an empty database`),
  restoreTargetNotEmpty: define('UMBRAL_ERR_RESTORE_TARGET_NOT_EMPTY', { status: 409 }, (tables: string[]) =>
    `the target database is not empty (rows in ${tables.join(', ')}); restore into an empty one, or pass --force to replace everything it holds`),
  // Notifications (docs/guides/notifications.md)
  channelInvalid: define('UMBRAL_ERR_CHANNEL_INVALID', { status: 400 }, (problems: string[]) =>
    `the notification channel is invalid: ${problems.join('; ')}`),
  channelExists: define('UMBRAL_ERR_CHANNEL_EXISTS', { status: 409 }, (name: string) =>
    `a notification channel named '${name}' exists; remove it first or choose another name`),
  channelNotFound: define('UMBRAL_ERR_CHANNEL_NOT_FOUND', { status: 404 }, (name: string) =>
    `no notification channel named '${name}'; list them with GET /admin/notifications/channels`),
  ruleInvalid: define('UMBRAL_ERR_RULE_INVALID', { status: 400 }, (problems: string[]) =>
    `the notification rule is invalid: ${problems.join('; ')}`),
  ruleNotFound: define('UMBRAL_ERR_RULE_NOT_FOUND', { status: 404 }, (id: string) =>
    `no notification rule with id '${id}'; list them with GET /admin/notifications/rules`),
  deliveryNotFound: define('UMBRAL_ERR_DELIVERY_NOT_FOUND', { status: 404 }, (id: string) =>
    `no notification delivery with id '${id}'; list them with GET /admin/notifications/deliveries`),
  // Drift references (docs/guides/drift.md)
  referenceInvalid: define('UMBRAL_ERR_REFERENCE_INVALID', { status: 400 }, (detail: string) =>
    `the reference dataset is refused (${detail}); send JSON lines, one {"inputs": [...]} per line with KServe v2 input tensors (optionally "outputs": [...])`),
  referenceTooLarge: define('UMBRAL_ERR_REFERENCE_TOO_LARGE', { status: 413 }, (limitBytes: number) =>
    `the reference dataset is larger than the limit of ${limitBytes} bytes (drift.maxReferenceBytes); send a sample of it (at most drift.referenceValues values per feature are kept anyway)`),
  // Evaluation datasets, evaluations and the promotion gate (docs/guides/evaluation.md)
  datasetInvalid: define('UMBRAL_ERR_DATASET_INVALID', { status: 400 }, (detail: string) =>
    `the evaluation dataset is refused (${detail}); send JSON lines, one example per line: {"inputs": {"<input>": <value>, …}, "expected": <label, number or [relevant ids]>}, with every input of the model`),
  datasetTooLarge: define('UMBRAL_ERR_DATASET_TOO_LARGE', { status: 413 }, (detail: string) =>
    `the evaluation dataset is too large: ${detail}; send a sample of it`),
  datasetNotFound: define('UMBRAL_ERR_DATASET_NOT_FOUND', { status: 404 }, (model: string, name: string) =>
    `model '${model}' has no evaluation dataset '${name}'; GET /admin/models/${model}/datasets lists them`),
  datasetExists: define('UMBRAL_ERR_DATASET_EXISTS', { status: 409 }, (model: string, name: string, sha256: string) =>
    `model '${model}' has a dataset '${name}' with other content (sha256 ${sha256}); delete it first, or push this one under another name`),
  datasetInUse: define('UMBRAL_ERR_DATASET_IN_USE', { status: 409 }, (model: string, name: string) =>
    `dataset '${name}' is the promotion gate's dataset in the policy of model '${model}'; change or remove the policy's promotion section first`),
  evaluationNotFound: define('UMBRAL_ERR_EVALUATION_NOT_FOUND', { status: 404 }, (model: string, id: string) =>
    `model '${model}' has no evaluation report '${id}'; GET /admin/models/${model}/evaluations lists them`),
  gateFailed: define('UMBRAL_ERR_GATE_FAILED', { status: 409 }, (model: string, challenger: number, reasons: string[]) =>
    `the promotion gate of model '${model}' refused challenger version ${challenger}: ${reasons.join('; ')}; `
    + 'the evaluation report is in details; an admin may force the promotion with a reason'),
  // Canary rollouts (docs/guides/canary.md)
  rolloutRunning: define('UMBRAL_ERR_ROLLOUT_RUNNING', { status: 409 }, (model: string, id: string, step: string) =>
    `model '${model}' already has a rollout running (id ${id}, ${step}); see GET /admin/models/${model}/rollouts/current, or abort it first`),
  rolloutNotFound: define('UMBRAL_ERR_ROLLOUT_NOT_FOUND', { status: 404 }, (model: string) =>
    `model '${model}' has no rollout running; start one with POST /admin/models/${model}/rollouts`),
  rolloutRefused: define('UMBRAL_ERR_ROLLOUT_REFUSED', { status: 409 }, (model: string, why: string) =>
    `a rollout of model '${model}' cannot start: ${why}`),
  storeLocked: define('UMBRAL_ERR_STORE_LOCKED', { status: 500 }, (dir: string, holder: string) =>
    `the data directory ${dir} is in use by another umbral process (${holder}); stop it, or give this one another UMBRAL_DATA_DIR`),
  storeUnavailable: define('UMBRAL_ERR_STORE_UNAVAILABLE', { status: 503, retryable: true, exposed: true }, (detail: string) =>
    `the database is unavailable (${detail}); retry later`),

  // Scheduled jobs (admin API, docs/guides/jobs.md)
  jobScheduleInvalid: define('UMBRAL_ERR_JOB_SCHEDULE_INVALID', { status: 400 }, (schedule: string, problem: string) =>
    `schedule '${schedule}' is not a valid cron expression (${problem}); write five fields in UTC, such as '0 3 * * *' (03:00 every day)`),
  jobActionInvalid: define('UMBRAL_ERR_JOB_ACTION_INVALID', { status: 400 }, (problem: string) =>
    `the job's action is invalid: ${problem}; send {"webhook": {"url": "https://…"}} or {"command": ["program", "arg", …]}`),
  jobExists: define('UMBRAL_ERR_JOB_EXISTS', { status: 409 }, (name: string) =>
    `a job named '${name}' already exists; remove it first, or choose another name`),
  jobNotFound: define('UMBRAL_ERR_JOB_NOT_FOUND', { status: 404 }, (name: string) =>
    `there is no job named '${name}'; GET /admin/jobs lists them`),
  jobBuiltIn: define('UMBRAL_ERR_JOB_BUILT_IN', { status: 409 }, (name: string) =>
    `job '${name}' is built in and cannot be removed; jobs.enabled=false stops every job of a replica`),
  jobBusy: define('UMBRAL_ERR_JOB_BUSY', { status: 409 }, (name: string) =>
    `job '${name}' is still running (its run is in GET /admin/jobs/${name}/runs); try again when it has finished`),
  // Feedback, live quality and the prediction export (docs/guides/monitoring.md)
  predictionNotFound: define('UMBRAL_ERR_PREDICTION_NOT_FOUND', { status: 404 }, (model: string, requestId: string) =>
    `model '${model}' has no logged prediction with request id '${requestId}'; feedback attaches only to logged predictions: `
    + 'the request id is the x-request-id of the answer, the policy\'s prediction_log.sample_rate decides which requests are logged '
    + '(a request that was not sampled takes no feedback), and records older than prediction_log.retention_days are gone'),
  labelTypeMismatch: define('UMBRAL_ERR_LABEL_TYPE_MISMATCH', { status: 400 }, (requestId: string, expected: string) =>
    `the label of request id '${requestId}' is not ${expected}; send that`),
  feedbackBatchTooLarge: define('UMBRAL_ERR_FEEDBACK_BATCH_TOO_LARGE', { status: 413 }, (count: number, limit: number) =>
    `a feedback batch holds ${count} items, over the limit of ${limit} per call; split it`),

  // Remote upstreams (kserve, openai backends)
  upstreamRejected: define('UMBRAL_ERR_UPSTREAM_REJECTED', { status: 400 }, (model: string, detail: string) =>
    `the upstream of model '${model}' refused the request: ${detail}; fix the request`),
  upstreamRateLimited: define('UMBRAL_ERR_UPSTREAM_RATE_LIMITED', { status: 429, retryable: true, exposed: true },
    (model: string, retryAfterSeconds: number) =>
      `the upstream of model '${model}' is rate limiting; retry after ${retryAfterSeconds} s`,
    (_model: string, retryAfterSeconds: number) => retryAfterSeconds),
  upstreamUnavailable: define('UMBRAL_ERR_UPSTREAM_UNAVAILABLE', { status: 503, retryable: true, exposed: true },
    (model: string, detail: string) => `no upstream server of model '${model}' could answer (${detail}); retry later`,
    () => 1),
  circuitOpen: define('UMBRAL_ERR_CIRCUIT_OPEN', { status: 503, retryable: true, exposed: true },
    (model: string, retryAfterSeconds: number) =>
      `every upstream server of model '${model}' is failing and its circuit breaker is open; retry after ${retryAfterSeconds} s`,
    (_model: string, retryAfterSeconds: number) => retryAfterSeconds),
  upstreamFailed: define('UMBRAL_ERR_UPSTREAM_FAILED', { status: 502, exposed: true }, (model: string, detail: string) =>
    `the upstream of model '${model}' failed: ${detail}`),
  notSupported: define('UMBRAL_ERR_NOT_SUPPORTED', { status: 409 }, (what: string, model: string, instead: string) =>
    `${what} is not supported for model '${model}'; ${instead}`),
  notImplemented: define('UMBRAL_ERR_NOT_IMPLEMENTED', { status: 501, exposed: true }, (what: string, instead: string) =>
    `${what} is not implemented by umbral; ${instead}`),

  // Faults (5xx, never exposed)
  backendFailed: define('UMBRAL_ERR_BACKEND_FAILED', { status: 500 }, (model: string, detail: string) =>
    `model '${model}' failed to run: ${detail}`),
  internal: define('UMBRAL_ERR_INTERNAL', { status: 500 }, (detail: string) => `internal error: ${detail}`),

  // Start-up and models on disk (never sent to clients as HTTP answers, but coded all the same)
  configInvalid: define('UMBRAL_ERR_CONFIG_INVALID', { status: 500 }, (problems: string[]) =>
    problems.length === 1 ? `configuration is invalid: ${problems[0]}`
      : `configuration is invalid (${problems.length} problems):\n${problems.map((p) => `  - ${p}`).join('\n')}`),
  modelConfigInvalid: define('UMBRAL_ERR_MODEL_CONFIG_INVALID', { status: 500 }, (model: string, problems: string[]) =>
    `model '${model}': model.yaml is invalid: ${problems.join('; ')}`),
  modelLoadFailed: define('UMBRAL_ERR_MODEL_LOAD_FAILED', { status: 500 }, (model: string, detail: string) =>
    `model '${model}' failed to load: ${detail}`),
  usage: define('UMBRAL_ERR_USAGE', { status: 400 }, (detail: string) => detail),
} as const;
