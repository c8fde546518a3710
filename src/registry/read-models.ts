import type { Queryable } from '../store/database.js';
import type { ModelRecord } from './registry.js';

interface ModelRow {
  name: string;
  description: string | null;
  created_by: string;
  created_at: Date | string;
  latest_version: number | string | null;
}

interface AliasRow {
  model: string;
  alias: string;
  version: number;
}

/** Reads one model (by name) or every model (name omitted), each with its aliases and latest live version. */
export async function readModels(q: Queryable, name?: string): Promise<ModelRecord[]> {
  const filter = name === undefined ? [] : [name];
  const where = name === undefined ? '' : 'WHERE name = $1';
  const models = await q.query<ModelRow>(
    `SELECT name, description, created_by, created_at,
       (SELECT MAX(v.version) FROM umbral_versions v WHERE v.model = m.name AND v.deleted_at IS NULL) AS latest_version
     FROM umbral_models m ${where} ORDER BY name`, filter);
  const aliases = await q.query<AliasRow>(
    `SELECT model, alias, version FROM umbral_aliases ${name === undefined ? '' : 'WHERE model = $1'} ORDER BY model, alias`,
    filter);
  const byModel = new Map<string, Record<string, number>>();
  for (const row of aliases) {
    const record = byModel.get(row.model) ?? {};
    record[row.alias] = Number(row.version);
    byModel.set(row.model, record);
  }
  return models.map((row) => ({
    name: row.name,
    description: row.description,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    aliases: byModel.get(row.name) ?? {},
    latestVersion: row.latest_version === null ? null : Number(row.latest_version),
  }));
}

/** Reads one model, or undefined when it does not exist. */
export async function readModel(q: Queryable, name: string): Promise<ModelRecord | undefined> {
  return (await readModels(q, name))[0];
}
