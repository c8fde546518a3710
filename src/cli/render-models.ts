import { formatTable } from './format-table.js';

/** A model as the admin API returns it (docs/reference/http.md, "Admin: model registry"). */
export interface ModelJson {
  readonly name?: string;
  readonly description?: string | null;
  readonly createdBy?: string;
  readonly createdAt?: string;
  readonly aliases?: Readonly<Record<string, number>>;
  readonly latestVersion?: number | null;
  readonly serving?: { readonly version?: number | string | null; readonly status?: string } | null;
  /** Present when the server includes the versions with the model. */
  readonly versions?: readonly VersionJson[];
}

/** A version as the admin API returns it. */
export interface VersionJson {
  readonly model?: string;
  readonly version?: number;
  readonly sha256?: string;
  readonly size?: number;
  readonly manifest?: { readonly description?: string; readonly metrics?: Readonly<Record<string, number>> };
  readonly tags?: readonly string[];
  readonly createdBy?: string;
  readonly createdAt?: string;
}

/** One audit-log entry as the admin API returns it. */
export interface HistoryEntryJson {
  readonly id?: number;
  readonly actor?: string;
  readonly at?: string;
  readonly action?: string;
  readonly subject?: string | null;
  readonly from?: string | null;
  readonly to?: string | null;
}

/** `umbral models list`. */
export function renderModelList(models: readonly ModelJson[]): string {
  if (models.length === 0) return 'no models';
  return formatTable(
    models.map((m) => [cell(m.name), cell(m.latestVersion), serving(m), aliasList(m.aliases), time(m.createdAt), shorten(cell(m.description), 60)]),
    ['MODEL', 'LATEST', 'SERVING', 'ALIASES', 'CREATED', 'DESCRIPTION'],
  );
}

/** `umbral models show`: the model, then its versions, newest first. */
export function renderModel(model: ModelJson, versions: readonly VersionJson[]): string {
  const about = formatTable([
    ['model', cell(model.name)],
    ['description', cell(model.description)],
    ['created', `${time(model.createdAt)} by ${cell(model.createdBy)}`],
    ['latest', cell(model.latestVersion)],
    ['serving', serving(model)],
    ['aliases', aliasList(model.aliases)],
  ]);
  if (versions.length === 0) return `${about}\n\nno versions`;
  const aliasesOf = (version: number | undefined) =>
    Object.entries(model.aliases ?? {}).filter(([, v]) => v === version).map(([alias]) => alias).sort().join(',') || '-';
  const table = formatTable(
    versions.map((v) => [cell(v.version), aliasesOf(v.version), (v.tags ?? []).join(',') || '-', size(v.size),
      cell(v.sha256).slice(0, 12), time(v.createdAt), cell(v.createdBy)]),
    ['VERSION', 'ALIASES', 'TAGS', 'SIZE', 'SHA256', 'CREATED', 'BY'],
  );
  return `${about}\n\n${table}`;
}

/** `umbral models push`: the version registered. */
export function renderVersion(version: VersionJson, alias: string | undefined): string {
  const metrics = Object.entries(version.manifest?.metrics ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
  return formatTable([
    ['pushed', `${cell(version.model)} version ${cell(version.version)}${alias === undefined ? '' : ` (${alias})`}`],
    ['sha256', cell(version.sha256)],
    ['size', size(version.size)],
    ['metrics', metrics || '-'],
  ]);
}

/** `umbral models alias|promote|rollback`: where the aliases point now. */
export function renderAliases(model: ModelJson): string {
  return formatTable([['model', cell(model.name)], ['aliases', aliasList(model.aliases)], ['serving', serving(model)]]);
}

/** `umbral models history`: the audit log, newest first. */
export function renderHistory(entries: readonly HistoryEntryJson[]): string {
  if (entries.length === 0) return 'no history';
  return formatTable(
    entries.map((e) => [cell(e.id), time(e.at), cell(e.actor), cell(e.action), cell(e.subject), cell(e.from), cell(e.to)]),
    ['ID', 'AT', 'ACTOR', 'ACTION', 'SUBJECT', 'FROM', 'TO'],
  );
}

function serving(model: ModelJson): string {
  const s = model.serving;
  if (!s || s.version === undefined || s.version === null) return '-';
  return s.status ? `${s.version} (${s.status})` : String(s.version);
}

function aliasList(aliases: Readonly<Record<string, number>> | undefined): string {
  const entries = Object.entries(aliases ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? '-' : entries.map(([alias, version]) => `${alias}=${version}`).join(', ');
}

function cell(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-';
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** ISO time to the second, UTC: `2026-11-22 04:22:05Z`. */
function time(value: string | undefined): string {
  const date = value === undefined ? undefined : new Date(value);
  return date === undefined || Number.isNaN(date.getTime()) ? cell(value) : `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

function size(bytes: number | undefined): string {
  if (bytes === undefined) return '-';
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  if (bytes < 1_000_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${(bytes / 1_000_000_000).toFixed(2)} GB`;
}

function shorten(text: string, max: number): string {
  return [...text].length <= max ? text : `${[...text].slice(0, max - 1).join('')}…`;
}
