import { parse as parseYaml } from 'yaml';
import type { ClientFlags } from '../config/client-config.js';
import { Errors } from '../errors/catalogue.js';
import { integerArg, parseAction, stringList, stringValue, type ActionSpec } from './parse-action-args.js';

/** One `umbral notifications …` action and its arguments; a new channel's secret is read when it runs. */
export type NotificationsAction =
  | { readonly name: 'channels list' | 'rules list' }
  | { readonly name: 'channels add'; readonly channel: { readonly name: string; readonly kind: string; readonly config: Record<string, unknown> } }
  | { readonly name: 'channels remove' | 'test'; readonly channel: string }
  | { readonly name: 'rules add'; readonly rule: { readonly events: string[]; readonly model: string; readonly channel: string } }
  | { readonly name: 'rules remove'; readonly id: string }
  | { readonly name: 'deliveries'; readonly query: string };

export interface NotificationsCommand {
  readonly kind: 'notifications';
  readonly action: NotificationsAction;
  readonly client: ClientFlags;
  readonly json: boolean;
}

const CHANNELS: Record<'list' | 'add' | 'remove', ActionSpec> = {
  list: { positionals: [], options: {} },
  add: { positionals: ['NAME'], options: { kind: { type: 'string' }, set: { type: 'string', multiple: true } } },
  remove: { positionals: ['NAME'], options: {} },
};
const RULES: Record<'list' | 'add' | 'remove', ActionSpec> = {
  list: { positionals: [], options: {} },
  add: { positionals: [], options: { event: { type: 'string', multiple: true }, model: { type: 'string' }, channel: { type: 'string' } } },
  remove: { positionals: ['ID'], options: {} },
};
const OTHERS: Record<'test' | 'deliveries', ActionSpec> = {
  test: { positionals: ['CHANNEL'], options: {} },
  deliveries: { positionals: [], options: { status: { type: 'string' }, channel: { type: 'string' }, type: { type: 'string' }, model: { type: 'string' }, limit: { type: 'string' } } },
};

/** Parses the arguments after `notifications`; bad usage throws UMBRAL_ERR_USAGE with a one-line message. */
export function parseNotificationsCommand(argv: readonly string[]): NotificationsCommand | { readonly kind: 'help' } {
  const [group, ...rest] = argv;
  if (group === 'channels' || group === 'rules') {
    const parsed = parseAction(`notifications ${group}`, rest, group === 'channels' ? CHANNELS : RULES);
    if (parsed.kind === 'help') return parsed;
    const [first = ''] = parsed.positionals;
    const { values } = parsed;
    let action: NotificationsAction;
    if (parsed.name === 'list') action = { name: `${group} list` };
    else if (parsed.name === 'remove') action = group === 'channels' ? { name: 'channels remove', channel: first } : { name: 'rules remove', id: first };
    else if (group === 'channels') {
      const kind = stringValue(values.kind);
      if (kind === undefined) throw Errors.usage('notifications channels add: --kind is required (slack, discord, telegram, email or webhook)');
      action = { name: 'channels add', channel: { name: first, kind, config: parseSets(stringList(values.set)) } };
    } else {
      const events = stringList(values.event).flatMap((e) => e.split(',')).map((e) => e.trim()).filter(Boolean);
      const channel = stringValue(values.channel);
      if (events.length === 0 || channel === undefined) throw Errors.usage('notifications rules add: give --event TYPE (repeat, or * for all) and --channel NAME');
      action = { name: 'rules add', rule: { events, model: stringValue(values.model) ?? '*', channel } };
    }
    return { kind: 'notifications', action, client: parsed.client, json: parsed.json };
  }
  const parsed = parseAction('notifications', argv, OTHERS);
  if (parsed.kind === 'help') return parsed;
  if (parsed.name === 'test') return { kind: 'notifications', action: { name: 'test', channel: parsed.positionals[0] ?? '' }, client: parsed.client, json: parsed.json };
  const query = new URLSearchParams();
  for (const key of ['status', 'channel', 'type', 'model'] as const) {
    const value = stringValue(parsed.values[key]);
    if (value !== undefined) query.set(key, value);
  }
  const limit = stringValue(parsed.values.limit);
  if (limit !== undefined) query.set('limit', String(integerArg(limit, 'notifications deliveries: --limit', 1)));
  return { kind: 'notifications', action: { name: 'deliveries', query: query.toString() }, client: parsed.client, json: parsed.json };
}

/** `--set key=value` pairs as a channel's config; a value is read as YAML (`port=587` a number, `to=[a@x.io]` a list). */
function parseSets(sets: readonly string[]): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const set of sets) {
    const match = /^([A-Za-z0-9_]+)=(.*)$/s.exec(set);
    if (!match) throw Errors.usage(`notifications channels add: --set takes key=value, got '${set}'`);
    try {
      config[match[1] as string] = parseYaml(match[2] as string) as unknown;
    } catch {
      throw Errors.usage(`notifications channels add: the value of --set ${match[1]} is not valid YAML`);
    }
  }
  return config;
}
