import type { EventType } from '../events/umbral-event.js';
import type { ChannelKind } from './channels/channel-driver.js';

/** A channel as reads show it: never its secret, only whether it has one. */
export interface ChannelView {
  readonly id: string;
  readonly name: string;
  readonly kind: ChannelKind;
  readonly config: Readonly<Record<string, unknown>>;
  readonly secret: 'set' | 'none';
  readonly createdBy: string;
  readonly createdAt: string;
}

/** A routing rule: events of these types (or `*`) about this model (or `*`) go to the channel. */
export interface RuleView {
  readonly id: string;
  readonly events: readonly (EventType | '*')[];
  readonly model: string;
  readonly channel: string;
  readonly createdBy: string;
  readonly createdAt: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

/** One event's delivery to one channel, with its tries. */
export interface DeliveryView {
  readonly id: string;
  readonly channel: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** When the next try is due (pending only). */
  readonly nextAt: string | null;
  readonly lastError: string | null;
  readonly deliveredAt: string | null;
  readonly createdAt: string;
  readonly event: { readonly id: string; readonly type: EventType; readonly model: string | null; readonly version: string | null; readonly summary: string; readonly at: string };
}

/** Filters of the delivery history; all optional. */
export interface DeliveryFilter {
  readonly status?: DeliveryStatus;
  readonly channel?: string;
  readonly type?: string;
  readonly model?: string;
  /** Newest first, at most this many (default 100, at most 1000). */
  readonly limit?: number;
  /** Only deliveries with a smaller id (the next page). */
  readonly before?: number;
}
