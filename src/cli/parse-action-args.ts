import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ClientFlags } from '../config/client-config.js';
import { Errors } from '../errors/catalogue.js';

/** Flags of a client action, beyond the common ones, as `node:util` parseArgs takes them. */
export type ActionOptions = NonNullable<ParseArgsConfig['options']>;

/** Flag values as parsed: strings, booleans, and lists for flags that may repeat. */
export type ActionValues = Readonly<Record<string, string | boolean | ReadonlyArray<string | boolean> | undefined>>;

/** What one action of a client command group takes. */
export interface ActionSpec {
  /** Names of its positional arguments, for messages (`MODEL`, `USERNAME ROLE`). */
  readonly positionals: readonly string[];
  /** Its own flags; `--url`, `--key`, `--json` and `-h/--help` are added to every action. */
  readonly options: ActionOptions;
}

/** One action's command line, read and counted but not yet checked further. */
export interface ParsedAction<Name extends string> {
  readonly kind: 'action';
  readonly name: Name;
  /** Exactly as many as the spec names. */
  readonly positionals: readonly string[];
  readonly values: ActionValues;
  readonly client: ClientFlags;
  /** `--json`: print the server's JSON document as-is. */
  readonly json: boolean;
}

const COMMON: ActionOptions = {
  url: { type: 'string' }, key: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
};

/**
 * Reads `umbral <group> <action> …` (argv starts at the action) against the specs of the group's
 * actions. No action, `help` or `-h/--help` anywhere answer help. Unknown actions and flags, flags
 * without their value and a wrong number of arguments throw UMBRAL_ERR_USAGE with a one-line message.
 */
export function parseAction<Name extends string>(
  group: string, argv: readonly string[], specs: Readonly<Record<Name, ActionSpec>>,
): ParsedAction<Name> | { readonly kind: 'help' } {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') return { kind: 'help' };
  if (!Object.hasOwn(specs, name)) throw Errors.usage(`unknown command '${group} ${name}'; run umbral --help`);
  const spec = specs[name as Name];
  let parsed;
  try {
    parsed = parseArgs({ args: [...rest], strict: true, allowPositionals: true, options: { ...COMMON, ...spec.options } });
  } catch (error) {
    throw Errors.usage(`${group} ${name}: ${(error as Error).message.split('\n')[0]}; run umbral --help`);
  }
  const values = parsed.values as ActionValues;
  if (values.help === true) return { kind: 'help' };
  const { positionals } = parsed;
  if (positionals.length !== spec.positionals.length) {
    const expected = spec.positionals.length === 0 ? 'no arguments' : spec.positionals.join(' ');
    throw Errors.usage(`${group} ${name} takes ${expected}, got ${positionals.length === 0 ? 'none' : `'${positionals.join(' ')}'`}; run umbral --help`);
  }
  return {
    kind: 'action', name: name as Name, positionals, values,
    client: { url: stringValue(values.url), key: stringValue(values.key) },
    json: values.json === true,
  };
}

/** A decimal integer of at least `min`; anything else throws UMBRAL_ERR_USAGE naming `what`. */
export function integerArg(raw: string, what: string, min: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw Errors.usage(`${what} must be an integer of at least ${min}, got '${raw}'`);
  }
  return Number(raw);
}

/** The value of a string flag; undefined when absent. */
export function stringValue(value: ActionValues[string]): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Every value of a flag declared `multiple: true`, in order; empty when absent. */
export function stringList(value: ActionValues[string]): string[] {
  return typeof value === 'object' ? value.filter((v): v is string => typeof v === 'string') : [];
}
