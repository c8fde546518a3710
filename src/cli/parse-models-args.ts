import type { ClientFlags } from '../config/client-config.js';
import { Errors } from '../errors/catalogue.js';
import { parse as parseYaml } from 'yaml';
import { integerArg, parseAction, stringList, stringValue, type ActionSpec, type ActionValues } from './parse-action-args.js';

/** One `umbral models …` action and its arguments. */
export type ModelsAction =
  | {
    readonly name: 'push'; readonly path: string; readonly model: string; readonly alias?: string;
    readonly manifestFile?: string; readonly sha256?: string; readonly create: boolean;
  }
  | { readonly name: 'list' }
  | { readonly name: 'show' | 'rollback'; readonly model: string }
  /** `force`: `--force --reason TEXT`, an admin's override of the signature check. */
  | { readonly name: 'promote'; readonly model: string; readonly force?: { readonly reason: string } }
  | { readonly name: 'alias'; readonly model: string; readonly alias: string; readonly version: number; readonly force?: { readonly reason: string } }
  | { readonly name: 'history'; readonly model: string; readonly limit?: number }
  | { readonly name: 'ab-report'; readonly model: string; readonly window?: string }
  | {
    readonly name: 'policy'; readonly model: string;
    /** `--set key=value`, as a JSON merge patch (dotted keys nest; a value is read as YAML, `null` removes). */
    readonly patch?: Readonly<Record<string, unknown>>;
    /** `--file policy.yaml`: the whole policy, replaced. */
    readonly file?: string;
  };

/** `umbral models …`: what to do, where the server is, and whether to print the server's JSON. */
export interface ModelsCommand {
  readonly kind: 'models';
  readonly action: ModelsAction;
  readonly client: ClientFlags;
  /** Print the server's JSON document as-is instead of tables. */
  readonly json: boolean;
}

/** Positional arguments and extra flags of each action, keyed so that the compiler sees every action. */
const ACTIONS: Record<ModelsAction['name'], ActionSpec> = {
  push: {
    positionals: ['DIR|FILE'],
    options: {
      model: { type: 'string' }, alias: { type: 'string' }, manifest: { type: 'string' },
      sha256: { type: 'string' }, create: { type: 'boolean' },
    },
  },
  list: { positionals: [], options: {} },
  show: { positionals: ['MODEL'], options: {} },
  alias: { positionals: ['MODEL', 'ALIAS', 'VERSION'], options: { force: { type: 'boolean' }, reason: { type: 'string' } } },
  promote: { positionals: ['MODEL'], options: { force: { type: 'boolean' }, reason: { type: 'string' } } },
  rollback: { positionals: ['MODEL'], options: {} },
  history: { positionals: ['MODEL'], options: { limit: { type: 'string' } } },
  'ab-report': { positionals: ['MODEL'], options: { window: { type: 'string' } } },
  policy: { positionals: ['MODEL'], options: { set: { type: 'string', multiple: true }, file: { type: 'string' } } },
};

/**
 * Parses the arguments after `models`. Unknown actions and flags, missing or extra arguments and
 * malformed numbers or hashes throw UMBRAL_ERR_USAGE with a one-line message.
 */
export function parseModelsCommand(argv: readonly string[]): ModelsCommand | { readonly kind: 'help' } {
  const parsed = parseAction('models', argv, ACTIONS);
  if (parsed.kind === 'help') return parsed;
  return { kind: 'models', action: toAction(parsed.name, parsed.positionals, parsed.values), client: parsed.client, json: parsed.json };
}

function toAction(name: ModelsAction['name'], args: readonly string[], values: ActionValues): ModelsAction {
  const [first = '', second = '', third = ''] = args;
  switch (name) {
    case 'push': return pushAction(first, values);
    case 'list': return { name };
    case 'show': case 'rollback': return { name, model: first };
    case 'promote': return { name, model: first, ...forceOf(name, values) };
    case 'alias': return { name, model: first, alias: second, version: integerArg(third, 'VERSION', 1), ...forceOf(name, values) };
    case 'policy': return policyAction(first, values);
    case 'ab-report': {
      const window = stringValue(values.window);
      return window === undefined ? { name, model: first } : { name, model: first, window };
    }
    case 'history': {
      const limit = stringValue(values.limit);
      return limit === undefined ? { name, model: first } : { name, model: first, limit: integerArg(limit, '--limit', 1) };
    }
  }
}

/** `--force --reason TEXT`: both or neither (the server also refuses a force without a reason). */
function forceOf(action: string, values: ActionValues): { force?: { reason: string } } {
  const reason = stringValue(values.reason);
  if (values.force !== true) {
    if (reason !== undefined) throw Errors.usage(`models ${action}: --reason goes with --force`);
    return {};
  }
  if (reason === undefined || reason.trim() === '') throw Errors.usage(`models ${action}: --force needs --reason TEXT (why; the audit log records it)`);
  return { force: { reason } };
}

function policyAction(model: string, values: ActionValues): ModelsAction {
  const sets = stringList(values.set);
  const file = stringValue(values.file);
  if (sets.length > 0 && file !== undefined) throw Errors.usage('models policy: give --set or --file, not both (--file replaces the whole policy)');
  if (file !== undefined) return { name: 'policy', model, file };
  if (sets.length === 0) return { name: 'policy', model };
  return { name: 'policy', model, patch: mergePatchOf(sets) };
}

/** `rate_limit.requests_per_minute=600` … as one merge patch: `{"rate_limit": {"requests_per_minute": 600}}`. */
function mergePatchOf(sets: readonly string[]): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const set of sets) {
    const match = /^([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)=(.*)$/s.exec(set);
    if (!match) throw Errors.usage(`models policy: --set takes key=value (keys as in model.yaml, dotted for nested ones), got '${set}'`);
    const keys = (match[1] as string).split('.');
    let value: unknown;
    try {
      value = parseYaml(match[2] as string);
    } catch {
      throw Errors.usage(`models policy: the value of --set ${match[1]} is not valid YAML`);
    }
    let node = patch;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      node = (node[key] = typeof next === 'object' && next !== null ? next : {}) as Record<string, unknown>;
    }
    node[keys.at(-1) as string] = value ?? null;
  }
  return patch;
}

function pushAction(path: string, values: ActionValues): ModelsAction {
  const model = stringValue(values.model);
  if (model === undefined || model === '') throw Errors.usage('models push needs --model M (the model to add a version to); run umbral --help');
  const sha256 = stringValue(values.sha256);
  if (sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(sha256)) {
    throw Errors.usage(`models push: --sha256 must be 64 hexadecimal digits, got '${sha256}'`);
  }
  return {
    name: 'push', path, model, create: values.create === true, alias: stringValue(values.alias),
    manifestFile: stringValue(values.manifest), sha256: sha256?.toLowerCase(),
  };
}
