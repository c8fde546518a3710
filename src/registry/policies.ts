import { Errors } from '../errors/catalogue.js';
import type { PolicyDocument } from '../model/policy.js';
import { diffPolicy, type PolicyChange } from '../model/policy-diff.js';
import type { Queryable } from '../store/database.js';
import type { Actor, PolicyRecord, PolicyRevision } from './registry.js';

interface PolicyRow {
  model: string;
  revision: number | string;
  policy: PolicyDocument | string;
  updated_by: string;
  updated_at: Date | string;
  seeded_sha256: string | null;
}

interface RevisionRow {
  revision: number | string;
  actor: string;
  at: Date | string;
  policy: PolicyDocument | string;
  changes: PolicyChange[] | string;
}

const COLUMNS = 'model, revision, policy, updated_by, updated_at, seeded_sha256';

/** One model's stored policy row (and which model.yaml seeded it), or every model's when `model` is omitted. */
export async function readPolicies(q: Queryable, model?: string): Promise<Array<PolicyRecord & { seededSha256: string | null }>> {
  const rows = model === undefined
    ? await q.query<PolicyRow>(`SELECT ${COLUMNS} FROM umbral_policies ORDER BY model`)
    : await q.query<PolicyRow>(`SELECT ${COLUMNS} FROM umbral_policies WHERE model = $1`, [model]);
  return rows.map((row) => ({
    model: row.model, revision: Number(row.revision), policy: json(row.policy) as PolicyDocument,
    updatedBy: row.updated_by, updatedAt: new Date(row.updated_at), seededSha256: row.seeded_sha256,
  }));
}

/**
 * Writes `policy` as the model's next revision with its history row, inside the caller's
 * transaction, which holds the model's row lock. Resolves the new record and what changed (nothing
 * written when nothing changed and the seed is the same).
 */
export async function writePolicy(tx: Queryable, model: string, policy: PolicyDocument, actor: Actor,
  options: { expectedRevision?: number; seededSha256?: string | null }): Promise<{ record: PolicyRecord; changes: PolicyChange[]; previous: number }> {
  const [current] = await readPolicies(tx, model);
  const previous = current?.revision ?? 0;
  if (options.expectedRevision !== undefined && options.expectedRevision !== previous) {
    throw Errors.policyConflict(model, previous, options.expectedRevision);
  }
  const changes = diffPolicy(current?.policy ?? {}, policy);
  const seeded = options.seededSha256 === undefined ? current?.seededSha256 ?? null : options.seededSha256;
  if (current && changes.length === 0) {
    if (seeded !== current.seededSha256) await tx.query('UPDATE umbral_policies SET seeded_sha256 = $2 WHERE model = $1', [model, seeded]);
    return { record: current, changes, previous };
  }
  const revision = previous + 1;
  const text = JSON.stringify(policy);
  const [row] = await tx.query<PolicyRow>(
    `INSERT INTO umbral_policies (model, revision, policy, updated_by, seeded_sha256) VALUES ($1, $2, $3::jsonb, $4, $5)
     ON CONFLICT (model) DO UPDATE SET revision = EXCLUDED.revision, policy = EXCLUDED.policy, updated_by = EXCLUDED.updated_by,
       updated_at = now(), seeded_sha256 = EXCLUDED.seeded_sha256
     RETURNING ${COLUMNS}`, [model, revision, text, actor, seeded]);
  await tx.query('INSERT INTO umbral_policy_history (model, revision, actor, policy, changes) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb)',
    [model, revision, actor, text, JSON.stringify(changes)]);
  if (!row) throw Errors.internal('writing a policy returned no row');
  return {
    record: { model, revision, policy, updatedBy: row.updated_by, updatedAt: new Date(row.updated_at) },
    changes, previous,
  };
}

/** Revisions of a model's policy, newest first. */
export async function readPolicyHistory(q: Queryable, model: string, limit: number, beforeRevision?: number): Promise<PolicyRevision[]> {
  const rows = await q.query<RevisionRow>(
    `SELECT revision, actor, at, policy, changes FROM umbral_policy_history
     WHERE model = $1 ${beforeRevision === undefined ? '' : 'AND revision < $3'} ORDER BY revision DESC LIMIT $2`,
    beforeRevision === undefined ? [model, limit] : [model, limit, beforeRevision]);
  return rows.map((row) => ({
    revision: Number(row.revision), actor: row.actor, at: new Date(row.at),
    policy: json(row.policy) as PolicyDocument,
    // jsonb keeps its own key order: each change is given back as written, path first.
    changes: (json(row.changes) as PolicyChange[]).map(({ path, from, to }) => ({ path, from, to })),
  }));
}

/** jsonb comes back parsed from both drivers; text (an older driver setting) is parsed here. */
function json(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) as unknown : value;
}
