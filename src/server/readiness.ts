import { modelStatus, type ModelHost } from '../inference/model-host.js';
import type { StoreState } from '../store/store-monitor.js';
import type { Lifecycle } from './lifecycle.js';

/** `/health/ready`'s body: the verdict, why, and the state of what it was judged on. */
export interface ReadinessReport {
  readonly status: 'ready' | 'not ready';
  /** Why not ready; empty when ready. */
  readonly problems: readonly string[];
  /** Each model's own state (`ready`, `loading`, `failed`, `unavailable`). */
  readonly models: Readonly<Record<string, ReturnType<typeof modelStatus>>>;
  /** Models that do not serve by themselves but whose fallback answers for them: model → fallback. */
  readonly fallbacks: Readonly<Record<string, string>>;
  /** The database: its outage does not make the replica unready (the data plane never waits for it). */
  readonly store?: { readonly kind: string; readonly up: boolean; readonly since: string; readonly error?: string };
}

/**
 * "This replica can serve": not stopping, and every required model answers, by itself or through its
 * fallback chain (a model served by its fallback keeps the replica ready: taking every replica out
 * because one upstream is down would turn a degraded model into a full outage). The one verdict
 * behind `/health/ready`, `/v2/health/ready`, gRPC `ServerReady` and `/info`.
 */
export class Readiness {
  constructor(
    private readonly lifecycle: Pick<Lifecycle, 'shuttingDown' | 'onChange'>,
    private readonly host: ModelHost,
    private readonly store?: () => StoreState,
  ) {}

  ready(): boolean {
    return !this.lifecycle.shuttingDown && this.host.requiredNotReady().length === 0;
  }

  /** Whether `model` serves now, by itself (what `/health/ready` reports for it); undefined for a model not held. */
  modelReady(model: string): boolean | undefined {
    const hosted = this.host.get(model);
    return hosted === undefined ? undefined : !this.lifecycle.shuttingDown && modelStatus(hosted) === 'ready';
  }

  /**
   * Calls `listener` after anything readiness is judged on may have changed: the server began to
   * stop, or a model was applied, loaded or released. Returns the way to stop listening. (A remote
   * model's servers turning unhealthy are not told here; their health checks have no events yet.)
   */
  onChange(listener: () => void): () => void {
    const stops = [this.lifecycle.onChange(listener), this.host.onChange(listener)];
    return () => stops.forEach((stop) => stop());
  }

  report(): ReadinessReport {
    const problems = [
      ...(this.lifecycle.shuttingDown ? ['shutting down'] : []),
      ...this.host.requiredNotReady().map((name) => `model '${name}' is not ready`),
    ];
    const hosted = this.host.list();
    const fallbacks: Record<string, string> = {};
    for (const model of hosted) {
      const fallback = this.host.fallbackServing(model);
      if (fallback !== undefined) fallbacks[model.plan.name] = fallback;
    }
    const store = this.store?.();
    return {
      status: problems.length === 0 ? 'ready' : 'not ready',
      problems,
      models: Object.fromEntries(hosted.map((model) => [model.plan.name, modelStatus(model)])),
      fallbacks,
      ...(store ? { store: { kind: store.kind, up: store.up, since: store.since.toISOString(), ...(store.error ? { error: store.error } : {}) } } : {}),
    };
  }
}
