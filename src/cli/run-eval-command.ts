import { readFileSync } from 'node:fs';
import { loadClientConfig } from '../config/client-config.js';
import { AdminClient, modelPath } from './admin-client.js';
import { formatTable } from './format-table.js';
import type { DatasetsCommand, EvalCommand } from './parse-eval-args.js';

/** An evaluation report as the admin API returns it (docs/guides/evaluation.md). */
interface ReportJson {
  readonly id?: string;
  readonly dataset?: { name?: string; sha256?: string; rows?: number };
  readonly sample?: { size: number; seed: number } | null;
  readonly task?: { type?: string };
  readonly versions?: ReadonlyArray<{
    version?: number; alias?: string; rows?: number; failed?: number;
    metrics?: Record<string, number>; latencyMs?: { p50: number; p99: number };
  }>;
}

interface DatasetJson { readonly name?: string; readonly sha256?: string; readonly rows?: number; readonly bytes?: number; readonly createdBy?: string; readonly createdAt?: string; readonly created?: boolean }

/** Runs `umbral eval …`: an evaluation (or a stored report) printed as a table of metrics by version. */
export async function runEvalCommand(command: EvalCommand, stdout: (text: string) => void): Promise<number> {
  const client = new AdminClient(loadClientConfig(command.client));
  const { action } = command;
  const report = (action.name === 'report'
    ? await client.json('GET', modelPath(command.model, 'evaluations', action.id))
    : await client.json('POST', modelPath(command.model, 'evaluations'), {
      dataset: action.dataset, versions: action.versions,
      ...(action.sample === undefined ? {} : { sample: action.sample }), ...(action.seed === undefined ? {} : { seed: action.seed }),
    })) as ReportJson;
  stdout(command.json ? JSON.stringify(report, null, 2) : renderReport(report));
  return 0;
}

/** Runs `umbral datasets …`. */
export async function runDatasetsCommand(command: DatasetsCommand, stdout: (text: string) => void): Promise<number> {
  const client = new AdminClient(loadClientConfig(command.client));
  const { action, json } = command;
  const print = (document: unknown, render: () => string) => stdout(json ? JSON.stringify(document, null, 2) : render());
  switch (action.name) {
    case 'push': {
      const path = `${modelPath(action.model, 'datasets')}?name=${encodeURIComponent(action.dataset)}`;
      const dataset = await client.text('POST', path, readFileSync(action.file, 'utf8'), 'application/x-ndjson') as DatasetJson;
      print(dataset, () => `${dataset.created === false ? 'already stored' : 'stored'}: dataset ${dataset.name ?? action.dataset} of ${action.model}, ${dataset.rows ?? '?'} rows, sha256 ${dataset.sha256 ?? '?'}`);
      break;
    }
    case 'list': {
      const document = await client.json('GET', modelPath(action.model, 'datasets')) as { datasets?: DatasetJson[] };
      print(document, () => renderDatasets(document.datasets ?? []));
      break;
    }
    case 'show': {
      const dataset = await client.json('GET', modelPath(action.model, 'datasets', action.dataset)) as DatasetJson;
      print(dataset, () => renderDatasets([dataset]));
      break;
    }
    case 'delete':
      await client.json('DELETE', modelPath(action.model, 'datasets', action.dataset));
      if (!json) stdout(`removed dataset ${action.dataset} of ${action.model}`);
      break;
  }
  return 0;
}

/** Metrics as rows, versions as columns; latency and failures last. */
export function renderReport(report: ReportJson): string {
  const versions = report.versions ?? [];
  const header = ['METRIC', ...versions.map((v) => (v.alias ? `${v.version ?? '?'} (${v.alias})` : String(v.version ?? '?')))];
  const names = [...new Set(versions.flatMap((v) => Object.keys(v.metrics ?? {})))].filter((name) => !name.includes(':'));
  const cell = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(4));
  const rows = [
    ...names.map((name) => [name, ...versions.map((v) => cell(v.metrics?.[name]))]),
    ['latency p50 ms', ...versions.map((v) => cell(v.latencyMs?.p50))],
    ['latency p99 ms', ...versions.map((v) => cell(v.latencyMs?.p99))],
    ['rows failed', ...versions.map((v) => `${v.failed ?? 0} of ${v.rows ?? 0}`)],
  ];
  const sample = report.sample ? `, a sample of ${report.sample.size} (seed ${report.sample.seed})` : '';
  const title = `evaluation ${report.id ?? '?'}: ${report.task?.type ?? '?'} on dataset ${report.dataset?.name ?? '?'} (${report.dataset?.rows ?? '?'} rows${sample})`;
  return `${title}\n${formatTable(rows, header)}`;
}

function renderDatasets(datasets: readonly DatasetJson[]): string {
  if (datasets.length === 0) return 'no datasets';
  return formatTable(datasets.map((d) => [d.name ?? '', String(d.rows ?? ''), String(d.bytes ?? ''), (d.sha256 ?? '').slice(0, 12), d.createdBy ?? '', d.createdAt ?? '']),
    ['NAME', 'ROWS', 'BYTES', 'SHA256', 'BY', 'AT']);
}
