import { Errors } from '../../errors/catalogue.js';
import { isUmbralError, type UmbralError } from '../../errors/umbral-error.js';
import type { Registry } from '../../registry/registry.js';
import type { Database } from '../../store/database.js';
import type { RowPrediction } from '../features/summarize-prediction.js';
import type { VersionTasks } from '../quality/version-tasks.js';
import { labelProblem } from './check-label.js';
import type { FeedbackItem } from './feedback-body.js';

/** Predictions answered but not yet written: the prediction log's buffer. */
export interface PendingPredictions {
  /** Resolves once every record queued before the call is in the database (or spilled, when it is down). */
  flush(): Promise<void>;
}

/** What became of one item of a feedback call. */
export type FeedbackOutcome =
  | { readonly requestId: string; readonly accepted: true; readonly version: string }
  | { readonly requestId: string | undefined; readonly accepted: false; readonly error: UmbralError };

export interface FeedbackServiceDeps {
  readonly db: Database;
  readonly registry: Pick<Registry, 'getModel'>;
  readonly tasks: VersionTasks;
  /** Flushed before the look-up, so that a prediction answered a moment ago is found; absent: nothing buffers. */
  readonly pending?: PendingPredictions;
}

interface LoggedRow {
  request_id: string;
  version: string;
  prediction: RowPrediction[] | null;
}

/**
 * Ground truth for logged predictions (docs/guides/monitoring.md, "Feedback and live quality"):
 * each label is checked against the task of the version that answered that request id (its latest
 * logged record) and stored by (model, request id), a later label replacing an earlier one, with
 * the actor who sent it.
 */
export class FeedbackService {
  constructor(private readonly deps: FeedbackServiceDeps) {}

  /** Records the valid items of `items` (errors pass through in their place); one outcome per item, in order. */
  async record(model: string, items: ReadonlyArray<FeedbackItem | UmbralError>, actor: string): Promise<FeedbackOutcome[]> {
    if (!(await this.deps.registry.getModel(model))) throw Errors.modelNotFound(model);
    await this.deps.pending?.flush();
    const valid = items.filter((item): item is FeedbackItem => !isUmbralError(item));
    const logged = await this.logged(model, valid.map((item) => item.requestId));
    const outcomes: FeedbackOutcome[] = [];
    const accepted = new Map<string, unknown>();
    for (const item of items) {
      if (isUmbralError(item)) {
        outcomes.push({ requestId: undefined, accepted: false, error: item });
        continue;
      }
      const row = logged.get(item.requestId);
      if (!row) {
        outcomes.push({ requestId: item.requestId, accepted: false, error: Errors.predictionNotFound(model, item.requestId) });
        continue;
      }
      const { task, classNames } = await this.deps.tasks.of(model, row.version);
      const problem = labelProblem(item.label, { task, rows: row.prediction?.length, classNames });
      if (problem !== undefined) {
        outcomes.push({ requestId: item.requestId, accepted: false, error: Errors.labelTypeMismatch(item.requestId, problem) });
        continue;
      }
      // The same request id twice in one call: the later label wins, as a later call's would.
      accepted.set(item.requestId, item.label);
      outcomes.push({ requestId: item.requestId, accepted: true, version: row.version });
    }
    if (accepted.size > 0) await this.store(model, accepted, actor);
    return outcomes;
  }

  /** The latest logged record of each request id of the model. */
  private async logged(model: string, requestIds: readonly string[]): Promise<Map<string, LoggedRow>> {
    if (requestIds.length === 0) return new Map();
    const rows = await this.deps.db.query<LoggedRow>(
      `SELECT DISTINCT ON (request_id) request_id, version, prediction FROM umbral_predictions
       WHERE model = $1 AND request_id IN (SELECT jsonb_array_elements_text($2::jsonb))
       ORDER BY request_id, at DESC, id DESC`,
      [model, JSON.stringify([...new Set(requestIds)])]);
    return new Map(rows.map((row) => [row.request_id, row]));
  }

  private async store(model: string, labels: ReadonlyMap<string, unknown>, actor: string): Promise<void> {
    const records = [...labels].map(([requestId, label]) => ({ request_id: requestId, label }));
    await this.deps.db.query(
      `INSERT INTO umbral_feedback (model, request_id, label, actor, at)
       SELECT $1, x.request_id, x.label, $3, now() FROM jsonb_to_recordset($2::jsonb) AS x(request_id text, label jsonb)
       ON CONFLICT (model, request_id) DO UPDATE SET label = EXCLUDED.label, actor = EXCLUDED.actor, at = EXCLUDED.at`,
      [model, JSON.stringify(records), actor]);
  }
}
