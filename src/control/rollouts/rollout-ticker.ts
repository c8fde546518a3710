import type { Logger } from 'pino';
import type { PendingPredictions } from '../../mlops/feedback/feedback-service.js';
import { guardInputs, type GuardSources } from './guard-inputs.js';
import { judgeStep } from './judge-step.js';
import { DEFAULT_MIN_REQUESTS, stepMs } from './rollout-plan.js';
import type { Rollout, RolloutStore } from './rollout-store.js';
import type { Rollouts } from './rollouts.js';

/** Where the ticker reports each running rollout's state (umbral_rollout_share). */
export interface RolloutObserver {
  share(model: string, share: number | undefined): void;
}

export interface RolloutTickerOptions extends GuardSources {
  readonly store: RolloutStore;
  readonly rollouts: Pick<Rollouts, 'applyShare' | 'rollBack' | 'promote'>;
  readonly logger: Logger;
  /** `rollouts.tickMs`. */
  readonly tickMs: number;
  readonly replica: string;
  readonly leaseMs: number;
  /** This replica's buffered prediction records, written before the guards read the log. */
  readonly pending?: PendingPredictions;
  readonly observer?: RolloutObserver;
}

/**
 * Every `tickMs`, on every replica: each running rollout is claimed (a lease in its row: one
 * replica acts on it per tick), its step judged, and then rolled back, left as it is, moved to
 * its next step, or promoted. All state is in the database, so a restarted server carries on from
 * the step it was at.
 */
export class RolloutTicker {
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  readonly #seen = new Set<string>();

  constructor(private readonly options: RolloutTickerOptions) {}

  start(): void {
    this.#timer = setInterval(() => {
      if (!this.#ticking) this.#ticking = this.tick().finally(() => { this.#ticking = undefined; });
    }, this.options.tickMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#ticking;
  }

  /** One pass over the running rollouts; a failure is logged and the next tick tries again. */
  async tick(now = new Date()): Promise<void> {
    try {
      const running = await this.options.store.allRunning();
      this.#report(running);
      if (running.length > 0) await this.options.pending?.flush();
      for (const rollout of running) await this.#step(rollout.id, now);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'rollouts: a tick failed; the next one tries again');
    }
  }

  async #step(id: string, now: Date): Promise<void> {
    const { store, replica, leaseMs } = this.options;
    const rollout = await store.claim(id, replica, leaseMs);
    if (!rollout) return;
    let ended = false;
    try {
      ended = await this.#judge(rollout, now);
    } catch (error) {
      this.options.logger.warn({ err: error, model: rollout.model, rollout: rollout.id }, 'rollouts: a step could not be judged or applied; trying again next tick');
    } finally {
      if (!ended) await store.release(rollout.id, replica);
    }
  }

  /** Judges the step and acts; resolves true when the rollout ended. */
  async #judge(rollout: Rollout, now: Date): Promise<boolean> {
    const guards = rollout.plan.guards ?? {};
    const inputs = await guardInputs(this.options, rollout, now);
    const enough = inputs.stats.requests >= (guards.min_requests ?? DEFAULT_MIN_REQUESTS);
    const reasons = enough ? judgeStep(guards, inputs) : [];
    const { rollouts, logger } = this.options;
    if (reasons.length > 0) {
      logger.warn({ model: rollout.model, rollout: rollout.id, step: rollout.step + 1, reasons }, 'canary guard failed: rolling back');
      await rollouts.rollBack(rollout, `guard failed at step ${rollout.step + 1}: ${reasons.join('; ')}`, { reasons, stats: inputs.stats });
      return true;
    }
    const done = now.getTime() - rollout.stepStartedAt.getTime() >= stepMs(rollout.plan, rollout.step);
    if (!enough || !done) return false;
    const next = rollout.step + 1;
    if (next >= rollout.plan.steps.length) {
      logger.info({ model: rollout.model, rollout: rollout.id, challenger: rollout.challenger }, 'canary passed every step: promoting');
      await rollouts.promote(rollout);
      return true;
    }
    await rollouts.applyShare(rollout, next);
    await this.options.store.advance(rollout.id, next, rollout.plan.steps[next]?.share ?? 0);
    logger.info({ model: rollout.model, rollout: rollout.id, step: next + 1, share: rollout.plan.steps[next]?.share }, 'canary step');
    return false;
  }

  #report(running: readonly Rollout[]): void {
    const observer = this.options.observer;
    if (!observer) return;
    const now = new Set(running.map((r) => r.model));
    for (const model of this.#seen) if (!now.has(model)) observer.share(model, undefined);
    this.#seen.clear();
    for (const rollout of running) {
      this.#seen.add(rollout.model);
      observer.share(rollout.model, rollout.plan.steps[rollout.step]?.share ?? 0);
    }
  }
}
