import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ClientFlags } from '../config/client-config.js';
import { Errors } from '../errors/catalogue.js';

/** One `umbral models …` action and its arguments. */
export type ModelsAction =
  | {
    readonly name: 'push'; readonly path: string; readonly model: string; readonly alias?: string;
    readonly manifestFile?: string; readonly sha256?: string; readonly create: boolean;
  }
  | { readonly name: 'list' }
  | { readonly name: 'show' | 'promote' | 'rollback'; readonly model: string }
  | { readonly name: 'alias'; readonly model: string; readonly alias: string; readonly version: number }
  | { readonly name: 'history'; readonly model: string; readonly limit?: number };

/** `umbral models …`: what to do, where the server is, and whether to print the server's JSON. */
export interface ModelsCommand {
  readonly kind: 'models';
  readonly action: ModelsAction;
  readonly client: ClientFlags;
  /** Print the server's JSON document as-is instead of tables. */
  readonly json: boolean;
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | undefined>;

const COMMON: Options = {
  url: { type: 'string' }, key: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
};

/** Positional arguments and extra flags of each action, keyed so that the compiler sees every action. */
const ACTIONS: Record<ModelsAction['name'], { positionals: readonly string[]; options: Options }> = {
  push: {
    positionals: ['DIR|FILE'],
    options: {
      model: { type: 'string' }, alias: { type: 'string' }, manifest: { type: 'string' },
      sha256: { type: 'string' }, create: { type: 'boolean' },
    },
  },
  list: { positionals: [], options: {} },
  show: { positionals: ['MODEL'], options: {} },
  alias: { positionals: ['MODEL', 'ALIAS', 'VERSION'], options: {} },
  promote: { positionals: ['MODEL'], options: {} },
  rollback: { positionals: ['MODEL'], options: {} },
  history: { positionals: ['MODEL'], options: { limit: { type: 'string' } } },
};

/**
 * Parses the arguments after `models`. Unknown actions and flags, missing or extra arguments and
 * malformed numbers or hashes throw UMBRAL_ERR_USAGE with a one-line message.
 */
export function parseModelsCommand(argv: readonly string[]): ModelsCommand | { readonly kind: 'help' } {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') return { kind: 'help' };
  if (!isActionName(name)) throw Errors.usage(`unknown command 'models ${name}'; run umbral --help`);
  const spec = ACTIONS[name];
  let parsed;
  try {
    parsed = parseArgs({ args: [...rest], strict: true, allowPositionals: true, options: { ...COMMON, ...spec.options } });
  } catch (error) {
    throw Errors.usage(`models ${name}: ${(error as Error).message.split('\n')[0]}; run umbral --help`);
  }
  const values = parsed.values as Values;
  if (values.help === true) return { kind: 'help' };
  const { positionals } = parsed;
  if (positionals.length !== spec.positionals.length) {
    const expected = spec.positionals.length === 0 ? 'no arguments' : spec.positionals.join(' ');
    throw Errors.usage(`models ${name} takes ${expected}, got ${positionals.length === 0 ? 'none' : `'${positionals.join(' ')}'`}; run umbral --help`);
  }
  return {
    kind: 'models',
    action: toAction(name, positionals, values),
    client: { url: stringValue(values.url), key: stringValue(values.key) },
    json: values.json === true,
  };
}

function toAction(name: ModelsAction['name'], args: readonly string[], values: Values): ModelsAction {
  const [first = '', second = '', third = ''] = args;
  switch (name) {
    case 'push': return pushAction(first, values);
    case 'list': return { name };
    case 'show': case 'promote': case 'rollback': return { name, model: first };
    case 'alias': return { name, model: first, alias: second, version: integer(third, 'VERSION', 1) };
    case 'history': {
      const limit = stringValue(values.limit);
      return limit === undefined ? { name, model: first } : { name, model: first, limit: integer(limit, '--limit', 1) };
    }
  }
}

function pushAction(path: string, values: Values): ModelsAction {
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

function integer(raw: string, what: string, min: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw Errors.usage(`${what} must be an integer of at least ${min}, got '${raw}'`);
  }
  return Number(raw);
}

function stringValue(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isActionName(name: string): name is ModelsAction['name'] {
  return Object.hasOwn(ACTIONS, name);
}
