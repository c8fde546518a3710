/**
 * What umbral tells the people who run it: one vocabulary of events for every source (the registry,
 * rollouts, drift checks, breakers, the prediction log, model loading, jobs) and every channel that
 * carries them (Slack, Discord, Telegram, email, signed webhooks). docs/guides/notifications.md.
 */
export const EVENT_TYPES = [
  'version.registered',
  'version.promoted',
  'version.rolled_back',
  'gate.failed',
  'canary.step',
  'canary.aborted',
  'drift.alert',
  'breaker.opened',
  'breaker.closed',
  'prediction_log.spilling',
  'prediction_log.dropping',
  'model.load_failed',
  'job.failed',
  /** A test message sent from the admin API or the CLI to check a channel. */
  'test',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** One event, as it is stored in the outbox and rendered for each channel. */
export interface UmbralEvent {
  readonly type: EventType;
  /** The model it concerns, when it concerns one (routing rules may select by model). */
  readonly model?: string;
  /** The version it concerns, when any. */
  readonly version?: string;
  /** One line for humans, without payloads or secrets: "ticket-classifier 4 promoted to champion by alice". */
  readonly summary: string;
  /** Structured facts for machines (webhook receivers); never payloads or secrets. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Where events go. `emit` records the event durably in the outbox (its own transaction) and returns
 * at once: it never throws and never blocks the caller on delivery. Changes to the registry write
 * their events in their own transaction instead (a trigger on the audit log), so nothing is lost
 * between a change and its event.
 */
export interface EventSink {
  emit(event: UmbralEvent): void;
}

/** A sink that drops everything (notifications off, or unit tests that do not look). */
export const NO_EVENTS: EventSink = { emit: () => undefined };

export function isEventType(value: unknown): value is EventType {
  return (EVENT_TYPES as readonly unknown[]).includes(value);
}
