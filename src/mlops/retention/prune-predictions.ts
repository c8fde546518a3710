import { predictionLogSchema } from '../../model/policy-sections.js';
import type { Registry } from '../../registry/registry.js';
import type { Database } from '../../store/database.js';

/** Rows one delete removes: short transactions, never a table-long lock. */
const BATCH = 5000;
const DAY_MS = 86_400_000;

/**
 * Deletes each model's prediction-log records older than its policy's `prediction_log.retention_days`
 * (none for a model without one), and the feedback of request ids that have no record left, in
 * batches of BATCH rows, each in a transaction of its own. Resolves a summary for the job's history.
 * `signal` stops between batches.
 */
export async function prunePredictions(db: Database, now: Date, retentionDaysOf: (model: string) => number | undefined, signal?: AbortSignal): Promise<string> {
  let predictions = 0;
  let feedback = 0;
  const pruned: string[] = [];
  for (const model of await loggedModels(db)) {
    const days = retentionDaysOf(model);
    if (days === undefined) continue;
    const before = new Date(now.getTime() - days * DAY_MS);
    let removed = 0;
    for (;;) {
      signal?.throwIfAborted();
      const batch = await db.transaction(async (tx) => {
        const gone = await tx.query<{ request_id: string }>(
          `DELETE FROM umbral_predictions WHERE id IN (SELECT id FROM umbral_predictions WHERE model = $1 AND at < $2 LIMIT $3)
           RETURNING request_id`, [model, before, BATCH]);
        if (gone.length === 0) return { rows: 0, labels: 0 };
        const labels = await tx.query(
          `DELETE FROM umbral_feedback f WHERE f.model = $1 AND f.request_id IN (SELECT jsonb_array_elements_text($2::jsonb))
             AND NOT EXISTS (SELECT 1 FROM umbral_predictions p WHERE p.model = f.model AND p.request_id = f.request_id)
           RETURNING 1`, [model, JSON.stringify([...new Set(gone.map((row) => row.request_id))])]);
        return { rows: gone.length, labels: labels.length };
      });
      removed += batch.rows;
      feedback += batch.labels;
      if (batch.rows < BATCH) break;
    }
    predictions += removed;
    if (removed > 0) pruned.push(`${model} ${removed}`);
  }
  return predictions === 0 ? 'no prediction past its retention'
    : `${predictions} prediction(s) and ${feedback} label(s) past retention deleted (${pruned.join(', ')})`;
}

/** `retention_days` of every model's stored policy, read once per run. */
export async function retentionDaysFrom(registry: Pick<Registry, 'listPolicies'>): Promise<(model: string) => number | undefined> {
  const days = new Map<string, number>();
  for (const { model, policy } of await registry.listPolicies()) {
    // Stored policies were checked when written; one that no longer reads keeps its records.
    const section = predictionLogSchema.safeParse(policy.prediction_log ?? {});
    const value = section.success ? section.data.retention_days : undefined;
    if (value !== undefined) days.set(model, value);
  }
  return (model) => days.get(model);
}

/** The models with logged records, found by a loose index scan (one probe per model, not a scan of every row). */
async function loggedModels(db: Database): Promise<string[]> {
  const rows = await db.query<{ model: string }>(
    `WITH RECURSIVE models AS (
       SELECT min(model) AS model FROM umbral_predictions
       UNION ALL
       SELECT (SELECT min(p.model) FROM umbral_predictions p WHERE p.model > models.model) FROM models WHERE models.model IS NOT NULL
     )
     SELECT model FROM models WHERE model IS NOT NULL`);
  return rows.map((row) => row.model);
}
