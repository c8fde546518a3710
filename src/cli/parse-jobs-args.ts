import type { ClientFlags } from '../config/client-config.js';
import { Errors } from '../errors/catalogue.js';
import { integerArg, parseAction, stringList, stringValue, type ActionSpec, type ActionValues } from './parse-action-args.js';

/** The body of `POST /admin/jobs` as the command line gives it (the server checks it further). */
export interface NewJobArgs {
  readonly name: string;
  readonly schedule: string;
  readonly description?: string;
  readonly model?: string;
  readonly action: { readonly webhook: { readonly url: string; readonly headers?: Record<string, string> } } | { readonly command: readonly string[] };
  readonly enabled: boolean;
}

/** One `umbral jobs …` action and its arguments. */
export type JobsAction =
  | { readonly name: 'list' }
  | { readonly name: 'add'; readonly job: NewJobArgs }
  | { readonly name: 'remove' | 'run'; readonly job: string }
  | { readonly name: 'runs'; readonly job: string; readonly limit?: number };

/** `umbral jobs list|add|remove|runs|run`. */
export interface JobsCommand {
  readonly kind: 'jobs';
  readonly action: JobsAction;
  readonly client: ClientFlags;
  readonly json: boolean;
}

const ACTIONS: Record<JobsAction['name'], ActionSpec> = {
  list: { positionals: [], options: {} },
  add: {
    positionals: ['NAME'],
    options: {
      schedule: { type: 'string' }, webhook: { type: 'string' }, header: { type: 'string', multiple: true },
      model: { type: 'string' }, description: { type: 'string' }, disabled: { type: 'boolean' },
    },
  },
  remove: { positionals: ['NAME'], options: {} },
  runs: { positionals: ['NAME'], options: { limit: { type: 'string' } } },
  run: { positionals: ['NAME'], options: {} },
};

/**
 * Parses the arguments after `jobs`. For `add`, everything after `--` is the command to run (its
 * program, then its arguments, passed as is without a shell); `--webhook URL` calls a URL instead.
 */
export function parseJobsCommand(argv: readonly string[]): JobsCommand | { readonly kind: 'help' } {
  const split = argv.indexOf('--');
  const [ours, command] = split === -1 ? [argv, undefined] : [argv.slice(0, split), argv.slice(split + 1)];
  const parsed = parseAction('jobs', ours, ACTIONS);
  if (parsed.kind === 'help') return parsed;
  const { name } = parsed;
  if (command !== undefined && name !== 'add') throw Errors.usage(`jobs ${name} takes no command after '--'; run umbral --help`);
  const [job = ''] = parsed.positionals;
  let action: JobsAction;
  if (name === 'list') action = { name };
  else if (name === 'add') action = { name, job: newJob(job, parsed.values, command) };
  else if (name === 'runs') {
    const limit = stringValue(parsed.values.limit);
    action = { name, job, ...(limit === undefined ? {} : { limit: integerArg(limit, 'jobs runs: --limit', 1) }) };
  } else action = { name, job };
  return { kind: 'jobs', action, client: parsed.client, json: parsed.json };
}

function newJob(name: string, values: ActionValues, command: readonly string[] | undefined): NewJobArgs {
  const schedule = stringValue(values.schedule);
  if (schedule === undefined) throw Errors.usage("jobs add needs --schedule CRON (UTC, such as '0 3 * * *'); run umbral --help");
  const webhook = stringValue(values.webhook);
  if ((webhook === undefined) === (command === undefined)) {
    throw Errors.usage('jobs add needs either --webhook URL or a command after -- (jobs add NAME --schedule CRON -- program arg…), not both');
  }
  const description = stringValue(values.description);
  const model = stringValue(values.model);
  return {
    name, schedule,
    ...(description === undefined ? {} : { description }),
    ...(model === undefined ? {} : { model }),
    action: webhook === undefined ? { command: command ?? [] } : { webhook: { url: webhook, ...headers(stringList(values.header)) } },
    enabled: values.disabled !== true,
  };
}

function headers(lines: readonly string[]): { headers?: Record<string, string> } {
  if (lines.length === 0) return {};
  const parsed: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw Errors.usage(`jobs add: --header must be 'Name: value', got '${line}'`);
    parsed[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return { headers: parsed };
}
