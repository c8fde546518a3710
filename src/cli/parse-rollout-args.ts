import type { ClientFlags } from '../config/client-config.js';
import { Errors } from '../errors/catalogue.js';
import { parseAction, stringValue, type ActionSpec, type ActionValues } from './parse-action-args.js';

/** One `umbral rollout …` action. `plan` is the body of POST /admin/models/{m}/rollouts (the server checks it further). */
export type RolloutAction =
  | { readonly name: 'start'; readonly model: string; readonly plan: RolloutPlanArgs }
  | { readonly name: 'status' | 'history'; readonly model: string }
  | { readonly name: 'abort'; readonly model: string; readonly reason?: string };

export interface RolloutPlanArgs {
  readonly steps: ReadonlyArray<{ readonly share: number; readonly duration?: string }>;
  readonly guards?: Readonly<Record<string, number>>;
}

/** `umbral rollout start|status|history|abort M`. */
export interface RolloutCommand {
  readonly kind: 'rollout';
  readonly action: RolloutAction;
  readonly client: ClientFlags;
  readonly json: boolean;
}

/** Guard flags and the plan field each fills. */
const GUARDS = {
  'max-error-rate': 'max_error_rate', 'max-p99-ms': 'max_p99_ms', 'max-quality-drop': 'max_quality_drop',
  'min-shadow-agreement': 'min_shadow_agreement', 'min-requests': 'min_requests',
} as const;

const ACTIONS: Record<RolloutAction['name'], ActionSpec> = {
  start: {
    positionals: ['MODEL'],
    options: { steps: { type: 'string' }, ...Object.fromEntries(Object.keys(GUARDS).map((flag) => [flag, { type: 'string' as const }])) },
  },
  status: { positionals: ['MODEL'], options: {} },
  history: { positionals: ['MODEL'], options: {} },
  abort: { positionals: ['MODEL'], options: { reason: { type: 'string' } } },
};

export function parseRolloutCommand(argv: readonly string[]): RolloutCommand | { readonly kind: 'help' } {
  const parsed = parseAction('rollout', argv, ACTIONS);
  if (parsed.kind === 'help') return parsed;
  const { name } = parsed;
  const [model = ''] = parsed.positionals;
  let action: RolloutAction;
  if (name === 'start') action = { name, model, plan: planOf(parsed.values) };
  else if (name === 'abort') {
    const reason = stringValue(parsed.values.reason);
    action = { name, model, ...(reason === undefined ? {} : { reason }) };
  } else action = { name, model };
  return { kind: 'rollout', action, client: parsed.client, json: parsed.json };
}

/** `--steps 5:10m,25:10m,50:10m,100` and the guard flags, as the plan's JSON. */
export function planOf(values: ActionValues): RolloutPlanArgs {
  const text = stringValue(values.steps);
  if (text === undefined) throw Errors.usage('rollout start needs --steps SHARE:DURATION,…,100 (such as 5:10m,25:10m,50:10m,100); run umbral --help');
  const steps = text.split(',').map((item) => {
    const match = /^\s*(\d{1,3})\s*(?::\s*(\S+))?\s*$/.exec(item);
    if (!match) throw Errors.usage(`rollout start: --steps: '${item}' is not SHARE or SHARE:DURATION (25:10m)`);
    return { share: Number(match[1]), ...(match[2] === undefined ? {} : { duration: match[2] }) };
  });
  const guards: Record<string, number> = {};
  for (const [flag, field] of Object.entries(GUARDS)) {
    const raw = stringValue(values[flag]);
    if (raw === undefined) continue;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value)) throw Errors.usage(`rollout start: --${flag} must be a number, got '${raw}'`);
    guards[field] = value;
  }
  return { steps, ...(Object.keys(guards).length > 0 ? { guards } : {}) };
}
