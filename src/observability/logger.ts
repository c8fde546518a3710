import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from '../config/schema.js';

/**
 * Header and field paths that must never reach a log line: credentials travel in them. Payloads
 * (tensors, prompts) are never logged in the first place; this is the second line of defence.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie',
  'headers.authorization', 'headers["x-api-key"]', 'headers.cookie', '*.password', '*.token', '*.secret',
];

/** The process logger: JSON lines by default, or pretty for a terminal. */
export function createLogger(config: Pick<Config, 'log'>, destination?: NodeJS.WritableStream): Logger {
  const options = { level: config.log.level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (config.log.format === 'pretty') {
    return pino(options, pretty({ colorize: true, destination: destination ?? process.stdout, sync: true }));
  }
  return destination ? pino(options, destination) : pino(options);
}
