import type { ClientFlags } from '../config/client-config.js';
import { Errors } from '../errors/catalogue.js';
import { integerArg, parseAction, stringValue, type ActionSpec } from './parse-action-args.js';

/** `umbral eval M --dataset D --versions champion,challenger [--sample N] [--seed S]`, or `umbral eval M --report ID`. */
export interface EvalCommand {
  readonly kind: 'eval';
  readonly model: string;
  readonly action:
    | { readonly name: 'run'; readonly dataset: string; readonly versions: readonly string[]; readonly sample?: number; readonly seed?: number }
    | { readonly name: 'report'; readonly id: string };
  readonly client: ClientFlags;
  readonly json: boolean;
}

/** `umbral datasets push M FILE --name D | list M | show M D | delete M D`. */
export interface DatasetsCommand {
  readonly kind: 'datasets';
  readonly action:
    | { readonly name: 'push'; readonly model: string; readonly file: string; readonly dataset: string }
    | { readonly name: 'list'; readonly model: string }
    | { readonly name: 'show' | 'delete'; readonly model: string; readonly dataset: string };
  readonly client: ClientFlags;
  readonly json: boolean;
}

const EVAL: Record<'eval', ActionSpec> = {
  eval: {
    positionals: ['MODEL'],
    options: { dataset: { type: 'string' }, versions: { type: 'string' }, sample: { type: 'string' }, seed: { type: 'string' }, report: { type: 'string' } },
  },
};

const DATASETS: Record<DatasetsCommand['action']['name'], ActionSpec> = {
  push: { positionals: ['MODEL', 'FILE'], options: { name: { type: 'string' } } },
  list: { positionals: ['MODEL'], options: {} },
  show: { positionals: ['MODEL', 'DATASET'], options: {} },
  delete: { positionals: ['MODEL', 'DATASET'], options: {} },
};

/** Reads `umbral eval …` (argv after `eval`); bad usage throws UMBRAL_ERR_USAGE. */
export function parseEvalCommand(argv: readonly string[]): EvalCommand | { readonly kind: 'help' } {
  const parsed = parseAction('eval', ['eval', ...argv], EVAL);
  if (parsed.kind === 'help') return parsed;
  const { values, client, json } = parsed;
  const model = parsed.positionals[0] as string;
  const report = stringValue(values.report);
  if (report !== undefined) return { kind: 'eval', model, action: { name: 'report', id: report }, client, json };
  const dataset = stringValue(values.dataset);
  const versions = (stringValue(values.versions) ?? 'champion,challenger').split(',').map((v) => v.trim()).filter((v) => v !== '');
  if (dataset === undefined) throw Errors.usage('eval needs --dataset D (a dataset of the model: umbral datasets list M), or --report ID; run umbral --help');
  const sample = stringValue(values.sample);
  const seed = stringValue(values.seed);
  return {
    kind: 'eval', model, client, json,
    action: {
      name: 'run', dataset, versions,
      ...(sample === undefined ? {} : { sample: integerArg(sample, '--sample', 1) }), ...(seed === undefined ? {} : { seed: integerArg(seed, '--seed', 0) }),
    },
  };
}

/** Reads `umbral datasets …` (argv after `datasets`); bad usage throws UMBRAL_ERR_USAGE. */
export function parseDatasetsCommand(argv: readonly string[]): DatasetsCommand | { readonly kind: 'help' } {
  const parsed = parseAction('datasets', argv, DATASETS);
  if (parsed.kind === 'help') return parsed;
  const [model = '', second = ''] = parsed.positionals;
  const { client, json } = parsed;
  switch (parsed.name) {
    case 'push': {
      const dataset = stringValue(parsed.values.name);
      if (dataset === undefined || dataset === '') throw Errors.usage('datasets push needs --name D (the dataset\'s name); run umbral --help');
      return { kind: 'datasets', action: { name: 'push', model, file: second, dataset }, client, json };
    }
    case 'list': return { kind: 'datasets', action: { name: 'list', model }, client, json };
    case 'show': case 'delete': return { kind: 'datasets', action: { name: parsed.name, model, dataset: second }, client, json };
  }
}
