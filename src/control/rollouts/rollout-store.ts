import type { Database, Queryable } from '../../store/database.js';
import type { RolloutPlan } from './rollout-plan.js';

export type RolloutStatus = 'running' | 'promoted' | 'aborted';

/** One rollout as the database holds it. */
export interface Rollout {
  readonly id: string;
  readonly model: string;
  readonly status: RolloutStatus;
  readonly plan: RolloutPlan;
  readonly champion: number;
  readonly challenger: number;
  /** Index into plan.steps. */
  readonly step: number;
  readonly stepStartedAt: Date;
  readonly reason: string | null;
  readonly startedBy: string;
  readonly startedAt: Date;
  readonly endedAt: Date | null;
}

export interface RolloutEvent {
  readonly at: Date;
  readonly kind: 'started' | 'step' | 'promoted' | 'aborted';
  readonly step: number | null;
  readonly share: number | null;
  readonly detail: Record<string, unknown> | null;
}

interface Row {
  id: string; model: string; status: RolloutStatus; plan: RolloutPlan; champion: number; challenger: number; step: number;
  step_started_at: Date; reason: string | null; started_by: string; started_at: Date; ended_at: Date | null;
}

const COLUMNS = 'id, model, status, plan, champion, challenger, step, step_started_at, reason, started_by, started_at, ended_at';
const UNIQUE_VIOLATION = '23505';

/** Rollouts and their history (migration 0011-canary). */
export class RolloutStore {
  constructor(private readonly db: Database) {}

  /** Inserts a running rollout at step 0 with its `started` and first `step` entries; undefined when the model has one running already. */
  async insert(start: { model: string; plan: RolloutPlan; champion: number; challenger: number; actor: string }): Promise<Rollout | undefined> {
    try {
      return await this.db.transaction(async (tx) => {
        const [row] = await tx.query<Row>(
          `INSERT INTO umbral_rollouts (model, status, plan, champion, challenger, step, step_started_at, started_by)
           VALUES ($1, 'running', $2, $3, $4, 0, now(), $5) RETURNING ${COLUMNS}`,
          [start.model, JSON.stringify(start.plan), start.champion, start.challenger, start.actor]);
        const rollout = toRollout(row as Row);
        await appendEvent(tx, rollout.id, 'started', null, null, { champion: start.champion, challenger: start.challenger, plan: start.plan });
        await appendEvent(tx, rollout.id, 'step', 0, start.plan.steps[0]?.share ?? null, null);
        return rollout;
      });
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) return undefined;
      throw error;
    }
  }

  async running(model: string): Promise<Rollout | undefined> {
    const [row] = await this.db.query<Row>(`SELECT ${COLUMNS} FROM umbral_rollouts WHERE model = $1 AND status = 'running'`, [model]);
    return row && toRollout(row);
  }

  async allRunning(): Promise<Rollout[]> {
    return (await this.db.query<Row>(`SELECT ${COLUMNS} FROM umbral_rollouts WHERE status = 'running' ORDER BY id`)).map(toRollout);
  }

  /** The model's rollouts, newest first. */
  async list(model: string, limit: number): Promise<Rollout[]> {
    return (await this.db.query<Row>(`SELECT ${COLUMNS} FROM umbral_rollouts WHERE model = $1 ORDER BY id DESC LIMIT $2`, [model, limit])).map(toRollout);
  }

  async events(id: string): Promise<RolloutEvent[]> {
    return this.db.query<RolloutEvent>('SELECT at, kind, step, share, detail FROM umbral_rollout_events WHERE rollout = $1 ORDER BY id', [id]);
  }

  /**
   * Takes the rollout for `leaseMs` on behalf of `holder` when it is running and nobody else holds
   * it (or their lease ran out): one replica acts on a rollout at a time. Resolves to it, or undefined.
   */
  async claim(id: string, holder: string, leaseMs: number): Promise<Rollout | undefined> {
    const [row] = await this.db.query<Row>(
      `UPDATE umbral_rollouts SET lease_until = now() + $3 * interval '1 millisecond', leased_by = $2
       WHERE id = $1 AND status = 'running' AND (lease_until IS NULL OR lease_until < now() OR leased_by = $2)
       RETURNING ${COLUMNS}`, [id, holder, leaseMs]);
    return row && toRollout(row);
  }

  async release(id: string, holder: string): Promise<void> {
    await this.db.query('UPDATE umbral_rollouts SET lease_until = NULL, leased_by = NULL WHERE id = $1 AND leased_by = $2', [id, holder]);
  }

  /** Moves a running rollout to `step`, from now. */
  async advance(id: string, step: number, share: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query("UPDATE umbral_rollouts SET step = $2, step_started_at = now() WHERE id = $1 AND status = 'running'", [id, step]);
      await appendEvent(tx, id, 'step', step, share, null);
    });
  }

  /** Ends a running rollout (promoted or aborted) with its reason. */
  async end(id: string, status: 'promoted' | 'aborted', reason: string, detail: Record<string, unknown>): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `UPDATE umbral_rollouts SET status = $2, reason = $3, ended_at = now(), lease_until = NULL, leased_by = NULL
         WHERE id = $1 AND status = 'running'`, [id, status, reason]);
      await appendEvent(tx, id, status, null, null, { reason, ...detail });
    });
  }
}

async function appendEvent(tx: Queryable, id: string, kind: RolloutEvent['kind'], step: number | null, share: number | null,
  detail: Record<string, unknown> | null): Promise<void> {
  await tx.query('INSERT INTO umbral_rollout_events (rollout, kind, step, share, detail) VALUES ($1, $2, $3, $4, $5)',
    [id, kind, step, share, detail === null ? null : JSON.stringify(detail)]);
}

function toRollout(row: Row): Rollout {
  return {
    id: String(row.id), model: row.model, status: row.status, plan: row.plan, champion: row.champion, challenger: row.challenger, step: row.step,
    stepStartedAt: row.step_started_at, reason: row.reason, startedBy: row.started_by, startedAt: row.started_at, endedAt: row.ended_at,
  };
}
