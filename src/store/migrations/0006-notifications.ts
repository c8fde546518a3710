import type { Migration } from './migration.js';

/**
 * Notifications (src/mlops/notifications/, docs/guides/notifications.md): a transactional outbox of
 * events, the channels and routing rules, and one delivery per event and channel.
 *
 * - `umbral_events` is the outbox. Registry changes write their event from a trigger on the audit
 *   log, so the event commits or rolls back with the change it reports; other sources insert
 *   through an EventSink. `fanned_out_at` is set once the dispatcher has made the event's
 *   deliveries (the rules at that moment decide which channels get it).
 * - Each insert into the outbox sends a wake-up on `umbral_events` (after commit) to every
 *   dispatcher on the database; polling is the safety net.
 * - `UNIQUE (event_id, channel_id)`: one delivery per event and channel, however many replicas fan
 *   out at once. A delivery is claimed by moving `next_at` past a lease with a fresh `claim` token
 *   (`FOR UPDATE SKIP LOCKED`), sent outside any transaction, and finished only by its claimer.
 * - A channel's secret (a webhook URL, a bot token, a password, an HMAC key) is stored encrypted
 *   (AES-256-GCM, `v1:iv:tag:ciphertext`); `config` holds only what is not secret.
 */
export const notificationsMigration: Migration = {
  id: '0006-notifications',
  sql: `
CREATE TABLE umbral_events (
  id            bigserial PRIMARY KEY,
  type          text NOT NULL,
  model         text,
  version       text,
  summary       text NOT NULL,
  details       jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(details) = 'object'),
  at            timestamptz NOT NULL DEFAULT now(),
  fanned_out_at timestamptz
);
CREATE INDEX umbral_events_pending ON umbral_events (id) WHERE fanned_out_at IS NULL;
CREATE INDEX umbral_events_at ON umbral_events (at);

CREATE TABLE umbral_notification_channels (
  id         bigserial PRIMARY KEY,
  name       text NOT NULL UNIQUE,
  kind       text NOT NULL CHECK (kind IN ('slack', 'discord', 'telegram', 'email', 'webhook')),
  config     jsonb NOT NULL CHECK (jsonb_typeof(config) = 'object'),
  secret     text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE umbral_notification_rules (
  id          bigserial PRIMARY KEY,
  event_types text[] NOT NULL CHECK (cardinality(event_types) > 0),
  model       text NOT NULL DEFAULT '*',
  channel_id  bigint NOT NULL REFERENCES umbral_notification_channels (id) ON DELETE CASCADE,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE umbral_notification_deliveries (
  id           bigserial PRIMARY KEY,
  event_id     bigint NOT NULL REFERENCES umbral_events (id) ON DELETE CASCADE,
  channel_id   bigint NOT NULL REFERENCES umbral_notification_channels (id) ON DELETE CASCADE,
  status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_at      timestamptz NOT NULL DEFAULT now(),
  claim        text,
  last_error   text,
  delivered_at timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (event_id, channel_id)
);
CREATE INDEX umbral_notification_deliveries_due ON umbral_notification_deliveries (next_at) WHERE status = 'pending';
CREATE INDEX umbral_notification_deliveries_channel ON umbral_notification_deliveries (channel_id, id DESC);

CREATE FUNCTION umbral_events_wake() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('umbral_events', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER umbral_events_wake AFTER INSERT ON umbral_events
  FOR EACH STATEMENT EXECUTE FUNCTION umbral_events_wake();

-- The registry's events, written in the transaction of the change (audit actions: migration 0004).
-- A promotion or rollback logs one row per alias moved; the event is the row that moves champion.
CREATE FUNCTION umbral_audit_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  event_type text;
  what text;
BEGIN
  IF NEW.action = 'version.create' THEN
    INSERT INTO umbral_events (type, model, version, summary, details) VALUES (
      'version.registered', NEW.model, NEW.to_value,
      format('%s version %s registered by %s', NEW.model, NEW.to_value, NEW.actor),
      jsonb_build_object('actor', NEW.actor, 'audit_id', NEW.id));
    RETURN NULL;
  END IF;
  IF NEW.subject IS DISTINCT FROM 'champion' OR NEW.to_value IS NULL THEN
    RETURN NULL;
  END IF;
  IF NEW.action = 'promote' OR NEW.action = 'alias.set' THEN
    event_type := 'version.promoted';
    what := 'promoted to champion';
  ELSIF NEW.action = 'rollback' THEN
    event_type := 'version.rolled_back';
    what := 'champion again (rollback)';
  ELSE
    RETURN NULL;
  END IF;
  INSERT INTO umbral_events (type, model, version, summary, details) VALUES (
    event_type, NEW.model, NEW.to_value,
    format('%s version %s %s by %s%s', NEW.model, NEW.to_value, what, NEW.actor,
      CASE WHEN NEW.from_value IS NULL THEN '' ELSE format(' (was version %s)', NEW.from_value) END),
    jsonb_build_object('actor', NEW.actor, 'alias', 'champion', 'action', NEW.action,
      'from', NEW.from_value, 'to', NEW.to_value, 'audit_id', NEW.id));
  RETURN NULL;
END
$$;

CREATE TRIGGER umbral_audit_log_events AFTER INSERT ON umbral_audit_log
  FOR EACH ROW EXECUTE FUNCTION umbral_audit_event();
`,
};
