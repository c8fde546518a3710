import type { StoredEvent } from './channels/channel-driver.js';

/** A one-line title: the event type and what it concerns (`version.promoted: ticket-classifier 4`). */
export function eventTitle(event: StoredEvent): string {
  const about = [event.model, event.version].filter((part): part is string => part !== null).join(' ');
  return about === '' ? event.type : `${event.type}: ${about}`;
}

/** The event as plain text for people (chat messages, mail bodies): the summary, then the facts. */
export function eventText(event: StoredEvent): string {
  const facts = Object.entries(event.details).map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [event.summary, '', `event: ${event.type} #${event.id} at ${event.at.toISOString()}`, ...facts].join('\n');
}

/** The event as a webhook's JSON body (docs/guides/notifications.md, "Webhook"). */
export function eventJson(event: StoredEvent) {
  return {
    id: event.id, type: event.type, model: event.model, version: event.version,
    summary: event.summary, details: event.details, at: event.at.toISOString(),
  };
}

/** `text` cut to `max` characters (an ellipsis marks the cut): chat APIs refuse longer messages. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
