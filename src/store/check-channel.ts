import { Errors } from '../errors/catalogue.js';

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Notification channels are plain lower-case identifiers: PGlite sends `LISTEN <channel>`
 * unquoted (so PostgreSQL folds its case) while `pg_notify` takes the name as written; with
 * nothing to quote or fold, both drivers agree on every name.
 */
export function checkChannel(channel: string): string {
  if (!CHANNEL.test(channel)) {
    throw Errors.internal(`'${channel}' is not a valid notification channel; use 1-63 lower-case letters, digits and '_'`);
  }
  return channel;
}
