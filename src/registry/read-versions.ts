import type { Queryable } from '../store/database.js';
import type { Manifest } from '../model/manifest.js';
import type { VersionRecord } from './registry.js';

interface VersionRow {
  model: string;
  version: number;
  artifact_sha256: string;
  artifact_size: number | string;
  manifest: Manifest | string;
  created_by: string;
  created_at: Date | string;
  tags: string[] | null;
}

/** Reads the live versions of a model, highest first; only `version` when given. */
export async function readVersions(q: Queryable, model: string, version?: number): Promise<VersionRecord[]> {
  const rows = await q.query<VersionRow>(
    `SELECT v.model, v.version, v.artifact_sha256, v.artifact_size, v.manifest, v.created_by, v.created_at,
       ARRAY(SELECT t.tag FROM umbral_version_tags t
             WHERE t.model = v.model AND t.version = v.version ORDER BY t.tag) AS tags
     FROM umbral_versions v
     WHERE v.model = $1 AND v.deleted_at IS NULL ${version === undefined ? '' : 'AND v.version = $2'}
     ORDER BY v.version DESC`,
    version === undefined ? [model] : [model, version]);
  return rows.map((row) => ({
    model: row.model,
    version: Number(row.version),
    artifactSha256: row.artifact_sha256,
    // bigint columns arrive as strings from node-postgres; artifacts stay far below 2^53 bytes.
    artifactSize: Number(row.artifact_size),
    manifest: typeof row.manifest === 'string' ? JSON.parse(row.manifest) as Manifest : row.manifest,
    tags: row.tags ?? [],
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
  }));
}
