import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from '../config/schema.js';
import type { LogFile } from './log-file.js';

/**
 * Header and field paths that must never reach a log line: credentials travel in them. Payloads
 * (tensors, prompts) are never logged in the first place; this is the second line of defence.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie',
  'headers.authorization', 'headers["x-api-key"]', 'headers.cookie', '*.password', '*.token', '*.secret',
];

/**
 * The process logger: JSON lines by default, or pretty for a terminal, on standard output (or
 * `destination`); with a `file` (openLogFile), the same lines, redacted once, go to it too as JSON.
 */
export function createLogger(config: { readonly log: Pick<Config['log'], 'level' | 'format'> }, destination?: NodeJS.WritableStream, file?: LogFile): Logger {
  const options = { level: config.log.level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  const console = config.log.format === 'pretty'
    ? pretty({ colorize: true, destination: destination ?? process.stdout, sync: true })
    : destination;
  if (!file) return console ? pino(options, console) : pino(options);
  // Each stream takes every line the logger lets through: the level is the logger's alone.
  return pino(options, pino.multistream([
    { level: 'trace', stream: console ?? pino.destination(1) }, { level: 'trace', stream: file.stream },
  ]));
}
