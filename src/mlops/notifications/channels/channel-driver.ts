import type { EventType } from '../../events/umbral-event.js';

/** The channel kinds umbral sends to. */
export const CHANNEL_KINDS = ['slack', 'discord', 'telegram', 'email', 'webhook'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export function isChannelKind(value: unknown): value is ChannelKind {
  return (CHANNEL_KINDS as readonly unknown[]).includes(value);
}

/** An event as it left the outbox, with its id and time. */
export interface StoredEvent {
  readonly id: string;
  readonly type: EventType;
  readonly model: string | null;
  readonly version: string | null;
  readonly summary: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly at: Date;
}

/** One message to send: the event and the key that makes a repeat recognisable. */
export interface OutgoingMessage {
  readonly event: StoredEvent;
  /** `umbral-<event id>-<channel id>`: the same on every try, on every replica. */
  readonly idempotencyKey: string;
}

/** Where one channel sends: its non-secret settings (as checked) and its secret, in clear. */
export interface ChannelTarget {
  readonly config: Readonly<Record<string, unknown>>;
  readonly secret: string | undefined;
}

export interface SendOptions {
  /** Longest the send may take, connection included. */
  readonly timeoutMs: number;
}

/** A channel's settings as checked, or what is wrong with them (each problem a sentence to fix). */
export type CheckedChannel =
  | { readonly ok: true; readonly config: Readonly<Record<string, unknown>>; readonly secret: string | undefined }
  | { readonly ok: false; readonly problems: readonly string[] };

/** One kind of channel: how its settings are checked and how a message is sent. */
export interface ChannelDriver {
  /**
   * Checks the settings given to the admin API: `config` (kept in clear, shown by reads) and
   * `secret` (kept encrypted, never shown). Pure: no I/O.
   */
  check(config: unknown, secret: string | undefined): CheckedChannel;
  /** Sends one message; resolves when the receiver accepted it, throws a DeliveryFailure when not. */
  send(message: OutgoingMessage, target: ChannelTarget, options: SendOptions): Promise<void>;
}

/** A try that did not deliver: `retryable` false when trying again cannot help (a 404 webhook, a refused sender). */
export class DeliveryFailure extends Error {
  constructor(message: string, readonly retryable: boolean, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'DeliveryFailure';
  }
}
