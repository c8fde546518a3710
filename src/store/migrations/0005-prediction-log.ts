import type { Migration } from './migration.js';

/**
 * The prediction log and the ground truth attached to it (src/mlops/prediction-log/, feedback/).
 *
 * A record's `id` is made when the request ends (a UUID), before the record is queued or spilled to
 * disk: inserts use `ON CONFLICT (id) DO NOTHING`, so a batch replayed after a crash or a retry
 * after a lost acknowledgement writes each record exactly once. `request_id` is the answer's
 * `x-request-id`, which a client may choose: feedback attaches to the latest record of a model with
 * that request id.
 *
 * - `payload` says what `inputs`/`outputs` hold: `full` (the tensors as KServe v2 JSON), `hash`
 *   (their sha256) or `none` (nothing).
 * - `prediction` is what live quality compares with the label, whatever `payload` says: the
 *   predicted class and its score, a regression value, or the ranked ids (manifest `task`).
 * - `features` is the drift sample: a few numbers per input feature and output, never the payload
 *   itself (text gives only its length and token count).
 */
export const predictionLogMigration: Migration = {
  id: '0005-prediction-log',
  sql: `
CREATE TABLE umbral_predictions (
  id          uuid PRIMARY KEY,
  request_id  text NOT NULL,
  model       text NOT NULL,
  version     text NOT NULL,
  variant     text,
  at          timestamptz NOT NULL,
  latency_ms  double precision NOT NULL CHECK (latency_ms >= 0),
  principal   text,
  status      integer NOT NULL,
  error_code  text,
  payload     text NOT NULL CHECK (payload IN ('full', 'hash', 'none')),
  inputs      jsonb,
  outputs     jsonb,
  prediction  jsonb,
  features    jsonb
);
CREATE INDEX umbral_predictions_model_at ON umbral_predictions (model, at);
CREATE INDEX umbral_predictions_version_at ON umbral_predictions (model, version, at);
CREATE INDEX umbral_predictions_request ON umbral_predictions (model, request_id);
CREATE INDEX umbral_predictions_at ON umbral_predictions (at);

CREATE TABLE umbral_feedback (
  model       text NOT NULL,
  request_id  text NOT NULL,
  label       jsonb NOT NULL,
  actor       text NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model, request_id)
);
CREATE INDEX umbral_feedback_at ON umbral_feedback (model, at);
`,
};
