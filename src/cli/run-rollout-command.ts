import { loadClientConfig } from '../config/client-config.js';
import { AdminClient } from './admin-client.js';
import { formatTable } from './format-table.js';
import type { RolloutCommand } from './parse-rollout-args.js';

/** A rollout as the admin API returns it (routes/admin-rollouts.ts). */
interface RolloutJson {
  readonly id?: string; readonly status?: string; readonly champion?: number; readonly challenger?: number;
  readonly step?: number; readonly steps?: number; readonly share?: number; readonly step_started_at?: string;
  readonly reason?: string | null; readonly started_at?: string; readonly ended_at?: string | null;
  readonly events?: ReadonlyArray<{ at?: string; kind?: string; step?: number | null; share?: number | null; detail?: { reason?: string } | null }>;
}

const rolloutsPath = (model: string, ...rest: string[]) => [`/admin/models/${encodeURIComponent(model)}/rollouts`, ...rest].join('/');

/** Runs one `umbral rollout …` command against the server's admin API and prints the outcome. */
export async function runRolloutCommand(command: RolloutCommand, stdout: (text: string) => void): Promise<number> {
  const client = new AdminClient(loadClientConfig(command.client));
  const { action, json } = command;
  const print = (document: unknown, render: () => string) => stdout(json ? JSON.stringify(document, null, 2) : render());
  switch (action.name) {
    case 'start': {
      const rollout = await client.json('POST', rolloutsPath(action.model), action.plan) as RolloutJson | undefined;
      print(rollout, () => `started rollout ${rollout?.id ?? '?'} of ${action.model}: version ${rollout?.challenger ?? '?'} takes ${rollout?.share ?? '?'} % `
        + `(step 1 of ${rollout?.steps ?? '?'}); umbral rollout status ${action.model} follows it`);
      break;
    }
    case 'status': {
      const rollout = await client.json('GET', rolloutsPath(action.model, 'current')) as RolloutJson | undefined;
      print(rollout, () => renderStatus(action.model, rollout ?? {}));
      break;
    }
    case 'history': {
      const document = await client.json('GET', rolloutsPath(action.model)) as { rollouts?: RolloutJson[] } | undefined;
      print(document, () => renderHistory(document?.rollouts ?? []));
      break;
    }
    case 'abort': {
      const rollout = await client.json('POST', rolloutsPath(action.model, 'current', 'abort'), action.reason === undefined ? {} : { reason: action.reason }) as RolloutJson | undefined;
      print(rollout, () => `aborted rollout ${rollout?.id ?? '?'} of ${action.model}: version ${rollout?.challenger ?? '?'} takes no traffic; the champion serves`);
      break;
    }
  }
  return 0;
}

function renderStatus(model: string, rollout: RolloutJson): string {
  const head = `${model}: rollout ${rollout.id ?? '?'} ${rollout.status ?? ''}, version ${rollout.challenger ?? '?'} against champion ${rollout.champion ?? '?'}, `
    + `step ${rollout.step ?? '?'} of ${rollout.steps ?? '?'} at ${rollout.share ?? '?'} % since ${rollout.step_started_at ?? '?'}`;
  const events = formatTable((rollout.events ?? []).map((e) => [e.at ?? '', e.kind ?? '', e.step == null ? '—' : String(e.step), e.share == null ? '—' : `${e.share} %`, e.detail?.reason ?? '']),
    ['AT', 'EVENT', 'STEP', 'SHARE', 'REASON']);
  return `${head}\n${events}`;
}

function renderHistory(rollouts: readonly RolloutJson[]): string {
  if (rollouts.length === 0) return 'no rollouts';
  return formatTable(rollouts.map((r) => [r.id ?? '', r.status ?? '', `${r.champion ?? '?'} → ${r.challenger ?? '?'}`, `${r.step ?? '?'}/${r.steps ?? '?'}`,
    r.started_at ?? '', r.ended_at ?? '—', r.reason ?? '']), ['ID', 'STATUS', 'VERSIONS', 'STEP', 'STARTED', 'ENDED', 'REASON']);
}
