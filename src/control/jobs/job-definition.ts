import { Errors } from '../../errors/catalogue.js';
import { checkName } from '../../model/names.js';
import { parseSchedule } from './schedule.js';

/** What an operator job does when it runs: call a webhook, or run a command (no shell). */
export type JobAction =
  | { readonly webhook: { readonly url: string; readonly headers?: Readonly<Record<string, string>> } }
  | { readonly command: readonly string[] };

/** The body of `POST /admin/jobs`, checked. */
export interface NewJob {
  readonly name: string;
  readonly schedule: string;
  readonly description: string;
  readonly model?: string;
  readonly action: JobAction;
  readonly enabled: boolean;
}

/** An operator job as `umbral_jobs` stores it. */
export interface JobDefinition extends NewJob {
  readonly createdBy: string;
  readonly createdAt: Date;
}

const KEYS = new Set(['name', 'schedule', 'description', 'model', 'action', 'enabled']);
const MAX_ARGS = 256;
const MAX_TEXT = 4096;

/**
 * Checks the body of `POST /admin/jobs`: a job name, a cron schedule (UMBRAL_ERR_JOB_SCHEDULE_INVALID),
 * an action that is a webhook with an http(s) URL or a non-empty argv (UMBRAL_ERR_JOB_ACTION_INVALID).
 */
export function parseNewJob(body: unknown): NewJob {
  if (!isObject(body)) throw Errors.invalidRequest('body', 'must be a JSON object with name, schedule and action');
  const unknown = Object.keys(body).filter((key) => !KEYS.has(key));
  if (unknown.length > 0) throw Errors.invalidRequest(unknown[0] ?? '', `is not a job field; use ${[...KEYS].join(', ')}`);
  const { name, schedule, description = '', model, action, enabled = true } = body;
  if (typeof name !== 'string') throw Errors.invalidRequest('name', 'must be a string');
  checkName('job', name);
  if (typeof schedule !== 'string') throw Errors.invalidRequest('schedule', 'must be a cron expression as a string');
  parseSchedule(schedule, name);
  if (typeof description !== 'string' || description.length > MAX_TEXT) throw Errors.invalidRequest('description', `must be a string of at most ${MAX_TEXT} characters`);
  if (model !== undefined) {
    if (typeof model !== 'string') throw Errors.invalidRequest('model', 'must be a model name');
    checkName('model', model);
  }
  if (typeof enabled !== 'boolean') throw Errors.invalidRequest('enabled', 'must be true or false');
  return { name, schedule: schedule.trim(), description, ...(model === undefined ? {} : { model }), action: parseAction(action), enabled };
}

/** Checks a job's `action` (also what the database holds, before it runs). */
export function parseAction(action: unknown): JobAction {
  if (!isObject(action)) throw Errors.jobActionInvalid('it must be an object');
  const keys = Object.keys(action);
  if (keys.length !== 1 || (keys[0] !== 'webhook' && keys[0] !== 'command')) {
    throw Errors.jobActionInvalid(`it must have exactly one of 'webhook' or 'command', got ${keys.length === 0 ? 'neither' : keys.join(', ')}`);
  }
  return 'webhook' in action ? { webhook: parseWebhook(action.webhook) } : { command: parseCommand(action.command) };
}

function parseWebhook(webhook: unknown): { url: string; headers?: Record<string, string> } {
  if (!isObject(webhook)) throw Errors.jobActionInvalid('webhook must be an object with a url');
  const { url, headers } = webhook;
  const unknown = Object.keys(webhook).filter((key) => key !== 'url' && key !== 'headers');
  if (unknown.length > 0) throw Errors.jobActionInvalid(`webhook.${unknown[0]} is not a webhook field; use url and headers`);
  if (typeof url !== 'string' || !isHttpUrl(url)) throw Errors.jobActionInvalid(`webhook.url must be an http:// or https:// URL, got ${JSON.stringify(url)}`);
  if (headers === undefined) return { url };
  if (!isObject(headers)) throw Errors.jobActionInvalid('webhook.headers must be an object of header names to string values');
  for (const [header, value] of Object.entries(headers)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) throw Errors.jobActionInvalid(`webhook.headers: '${header}' is not a header name`);
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) throw Errors.jobActionInvalid(`webhook.headers.${header} must be a one-line string`);
  }
  return { url, headers: headers as Record<string, string> };
}

function parseCommand(command: unknown): string[] {
  if (!Array.isArray(command) || command.length === 0) throw Errors.jobActionInvalid('command must be a non-empty array: the program, then its arguments');
  if (command.length > MAX_ARGS) throw Errors.jobActionInvalid(`command has ${command.length} arguments, more than ${MAX_ARGS}`);
  command.forEach((arg, i) => {
    if (typeof arg !== 'string' || arg.includes('\0') || arg.length > MAX_TEXT) throw Errors.jobActionInvalid(`command[${i}] must be a string (no NUL, at most ${MAX_TEXT} characters)`);
  });
  if (command[0] === '') throw Errors.jobActionInvalid('command[0], the program, must not be empty');
  return command as string[];
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
