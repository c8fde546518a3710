import { Errors } from '../../errors/catalogue.js';
import type { EventSink } from '../../mlops/events/umbral-event.js';
import { parsePolicy, type ModelPolicy, type PolicyDocument } from '../../model/policy.js';
import { CHALLENGER, CHAMPION, type Actor, type Registry } from '../../registry/registry.js';
import type { ModelAdmin } from '../model-admin.js';
import type { PromotionGate } from '../promotion-gate.js';
import { parseRolloutPlan } from './rollout-plan.js';
import type { Rollout, RolloutEvent, RolloutStore } from './rollout-store.js';

export interface RolloutsDeps {
  readonly store: RolloutStore;
  readonly registry: Pick<Registry, 'getModel'>;
  readonly admin: Pick<ModelAdmin, 'policy' | 'patchPolicy' | 'promote'>;
  /** Judged when a rollout starts: a challenger the gate refuses never gets traffic. */
  readonly gate?: Pick<PromotionGate, 'enforce'>;
  readonly events: EventSink;
  /** Names this replica in the leases it takes. */
  readonly replica: string;
  /** How long a lease lasts (several ticks): a replica that dies holding one delays the rollout by at most this. */
  readonly leaseMs: number;
}

/** The variants of the split a rollout writes (what `x-umbral-variant` and the prediction log say). */
export const VARIANTS = { champion: CHAMPION, challenger: CHALLENGER } as const;

const LEASE_TRIES_MS = 50;

/**
 * Canary rollouts (docs/guides/canary.md): start (checked, gated, then the first share written into
 * the policy's `traffic.split`, which every replica follows through registry sync), read, abort,
 * and the two ends a tick reaches (rollout-ticker.ts): roll back or promote. The rollout moves
 * traffic between the two version numbers the aliases named when it started.
 */
export class Rollouts {
  constructor(private readonly deps: RolloutsDeps) {}

  async start(model: string, body: unknown, actor: Actor): Promise<Rollout> {
    const plan = parseRolloutPlan(body);
    const record = await this.deps.registry.getModel(model);
    if (!record) throw Errors.modelNotFound(model);
    const running = await this.deps.store.running(model);
    if (running) throw runningError(running);
    const [champion, challenger] = [record.aliases[CHAMPION], record.aliases[CHALLENGER]];
    if (champion === undefined) throw Errors.rolloutRefused(model, 'it has no champion to keep serving; set the champion alias first');
    if (challenger === undefined) throw Errors.rolloutRefused(model, `it has no challenger alias; push the new version with alias 'challenger' (POST /admin/models/${model}/versions)`);
    if (champion === challenger) throw Errors.rolloutRefused(model, `champion and challenger are the same version (${champion}); push a new challenger`);
    const policy = await this.#policy(model);
    if (policy.traffic?.split) throw Errors.rolloutRefused(model, 'its policy already splits traffic (traffic.split); remove the split first, the rollout writes its own');
    if (!policy.prediction_log || (policy.prediction_log.sample_rate ?? 1) <= 0) {
      throw Errors.rolloutRefused(model, 'the guards read the prediction log, which this model does not write; set prediction_log with sample_rate > 0 in its policy');
    }
    await this.deps.gate?.enforce(model, actor);
    const rollout = await this.deps.store.insert({ model, plan, champion, challenger, actor });
    if (!rollout) {
      const other = await this.deps.store.running(model);
      throw other ? runningError(other) : Errors.rolloutRefused(model, 'another start won the race; try again');
    }
    try {
      await this.applyShare(rollout, 0);
    } catch (error) {
      await this.deps.store.end(rollout.id, 'aborted', `the split could not be written: ${(error as Error).message}`, {});
      throw error;
    }
    return rollout;
  }

  /** The model's running rollout; 404 when none runs. */
  async current(model: string): Promise<{ rollout: Rollout; events: RolloutEvent[] }> {
    const rollout = await this.deps.store.running(model);
    if (!rollout) {
      if (!(await this.deps.registry.getModel(model))) throw Errors.modelNotFound(model);
      throw Errors.rolloutNotFound(model);
    }
    return { rollout, events: await this.deps.store.events(rollout.id) };
  }

  async history(model: string, limit: number): Promise<Rollout[]> {
    if (!(await this.deps.registry.getModel(model))) throw Errors.modelNotFound(model);
    return this.deps.store.list(model, limit);
  }

  /** An operator's abort: the challenger's share to 0 at once; the champion keeps serving. */
  async abort(model: string, actor: Actor, reason?: string): Promise<Rollout> {
    const running = await this.deps.store.running(model);
    if (!running) {
      if (!(await this.deps.registry.getModel(model))) throw Errors.modelNotFound(model);
      throw Errors.rolloutNotFound(model);
    }
    const held = await this.#lease(running.id);
    if (!held) throw Errors.rolloutNotFound(model);
    await this.rollBack(held, `aborted by ${actor}${reason ? `: ${reason}` : ''}`, {});
    return held;
  }

  /** Writes the split of `step` into the policy (the challenger's share, the champion the rest). */
  async applyShare(rollout: Rollout, step: number): Promise<void> {
    const share = rollout.plan.steps[step]?.share ?? 0;
    await this.deps.admin.patchPolicy(rollout.model, {
      traffic: {
        split: [
          { variant: VARIANTS.champion, target: rollout.champion, weight: 100 - share },
          { variant: VARIANTS.challenger, target: rollout.challenger, weight: share },
        ],
      },
    }, rollout.startedBy);
    this.deps.events.emit({
      type: 'canary.step', model: rollout.model, version: String(rollout.challenger),
      summary: `${rollout.model} canary: version ${rollout.challenger} now takes ${share} % of the requests (step ${step + 1} of ${rollout.plan.steps.length})`,
      details: { rollout: rollout.id, step: step + 1, steps: rollout.plan.steps.length, share, champion: rollout.champion, challenger: rollout.challenger },
    });
  }

  /** The challenger's share to 0 (the split removed: the champion serves everything), recorded and announced. */
  async rollBack(rollout: Rollout, reason: string, detail: Record<string, unknown>): Promise<void> {
    await this.#removeSplit(rollout);
    await this.deps.store.end(rollout.id, 'aborted', reason, detail);
    this.deps.events.emit({
      type: 'canary.aborted', model: rollout.model, version: String(rollout.challenger),
      summary: `${rollout.model} canary of version ${rollout.challenger} rolled back at ${rollout.plan.steps[rollout.step]?.share ?? 0} %: ${reason}`,
      details: { rollout: rollout.id, step: rollout.step + 1, champion: rollout.champion, challenger: rollout.challenger, reason, ...detail },
    });
  }

  /**
   * The last step passed: challenger → champion (the signature check runs; the gate, judged at the
   * start, does not run again), then the split goes. Its targets are version numbers, so nothing
   * moves for clients between the two. A challenger alias moved meanwhile rolls back instead.
   */
  async promote(rollout: Rollout): Promise<void> {
    const aliases = (await this.deps.registry.getModel(rollout.model))?.aliases ?? {};
    if (aliases[CHALLENGER] !== rollout.challenger) {
      await this.rollBack(rollout, `the challenger alias moved during the rollout (now ${aliases[CHALLENGER] ?? 'none'}, not ${rollout.challenger}); nothing promoted`, {});
      return;
    }
    await this.deps.admin.promote(rollout.model, rollout.startedBy, { gateChecked: true });
    await this.#removeSplit(rollout);
    await this.deps.store.end(rollout.id, 'promoted', `every step passed; version ${rollout.challenger} is champion`, {});
  }

  async #removeSplit(rollout: Rollout): Promise<void> {
    const traffic = (await this.#policy(rollout.model)).traffic;
    if (!traffic?.split) return;
    const rest = Object.keys(traffic).filter((key) => key !== 'split');
    await this.deps.admin.patchPolicy(rollout.model, { traffic: rest.length === 0 ? null : { split: null } }, rollout.startedBy);
  }

  /** Holds the rollout's lease (waiting out a tick that holds it), or undefined when it ended meanwhile. */
  async #lease(id: string): Promise<Rollout | undefined> {
    const until = Date.now() + this.deps.leaseMs;
    for (;;) {
      const held = await this.deps.store.claim(id, this.deps.replica, this.deps.leaseMs);
      if (held || Date.now() > until) return held;
      await new Promise((resolve) => setTimeout(resolve, LEASE_TRIES_MS));
    }
  }

  async #policy(model: string): Promise<ModelPolicy> {
    return policyOf((await this.deps.admin.policy(model)).policy);
  }
}

function policyOf(document: PolicyDocument): ModelPolicy {
  const parsed = parsePolicy(document);
  return 'policy' in parsed ? parsed.policy : {};
}

function runningError(rollout: Rollout): Error {
  const step = rollout.plan.steps[rollout.step];
  return Errors.rolloutRunning(rollout.model, rollout.id, `step ${rollout.step + 1} of ${rollout.plan.steps.length}, ${step?.share ?? 0} % to version ${rollout.challenger}`);
}
