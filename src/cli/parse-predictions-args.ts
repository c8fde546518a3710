import type { ClientFlags } from '../config/client-config.js';
import { Errors } from '../errors/catalogue.js';
import { parseAction, stringValue, type ActionSpec } from './parse-action-args.js';

/** `umbral predictions export`: one model's prediction log, to stdout or a file. */
export interface PredictionsCommand {
  readonly kind: 'predictions';
  readonly action: {
    readonly name: 'export';
    readonly model: string;
    /** ISO 8601 times, checked by the server. */
    readonly from?: string;
    readonly to?: string;
    readonly version?: string;
    readonly format: 'jsonl' | 'csv';
    /** Absent: standard output. */
    readonly output?: string;
  };
  readonly client: ClientFlags;
}

const ACTIONS: Record<PredictionsCommand['action']['name'], ActionSpec> = {
  export: {
    positionals: [],
    options: {
      model: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, version: { type: 'string' },
      format: { type: 'string' }, output: { type: 'string', short: 'o' },
    },
  },
};

/** Reads `umbral predictions …` (argv after `predictions`); bad usage throws UMBRAL_ERR_USAGE. */
export function parsePredictionsCommand(argv: readonly string[]): PredictionsCommand | { readonly kind: 'help' } {
  const parsed = parseAction('predictions', argv, ACTIONS);
  if (parsed.kind === 'help') return parsed;
  const { values } = parsed;
  const model = stringValue(values.model);
  if (model === undefined || model === '') throw Errors.usage('predictions export needs --model M; run umbral --help');
  const format = stringValue(values.format) ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') throw Errors.usage(`predictions export: --format must be jsonl or csv, got '${format}'`);
  const optional = (name: 'from' | 'to' | 'version' | 'output') => {
    const value = stringValue(values[name]);
    return value === undefined ? {} : { [name]: value };
  };
  return {
    kind: 'predictions', client: parsed.client,
    action: { name: 'export', model, format, ...optional('from'), ...optional('to'), ...optional('version'), ...optional('output') },
  };
}
