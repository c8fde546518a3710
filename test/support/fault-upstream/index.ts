import type { FaultSwitch } from './fault-plan.js';
import { startKserveGrpcUpstream } from './kserve-grpc-upstream.js';
import { startKserveHttpUpstream } from './kserve-http-upstream.js';
import type { ModelRepository } from './model-repository.js';
import { UpstreamState, type UpstreamCounts, type UpstreamStateOptions } from './upstream-state.js';

export { FaultSwitch, type FaultKind, type FaultPlan } from './fault-plan.js';
export { startKserveGrpcUpstream, type KserveGrpcUpstream } from './kserve-grpc-upstream.js';
export { startKserveHttpUpstream, type KserveHttpUpstream } from './kserve-http-upstream.js';
export { ModelRepository, type ModelIndexEntry } from './model-repository.js';
export { UpstreamError, type UpstreamErrorKind } from './upstream-error.js';
export { ADD_SUB, ECHO, UPSTREAM_MODELS, type UpstreamModel } from './upstream-models.js';
export { UpstreamState, type RouteKind, type UpstreamCounts, type UpstreamProtocol, type UpstreamStateOptions } from './upstream-state.js';

export interface KserveUpstreamOptions extends UpstreamStateOptions {
  /** Interface to listen on (default 127.0.0.1); both servers take port 0. */
  readonly host?: string;
}

/** A running fault upstream: one Triton-like server answering REST and gRPC. */
export interface KserveUpstream {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly httpUrl: string;
  /** `127.0.0.1:<port>` of the gRPC server. */
  readonly grpcTarget: string;
  /** The one fault switch of both protocols: `faults.set({ kind, rate })`, `faults.set(undefined)`. */
  readonly faults: FaultSwitch;
  /** The models and which are loaded (also changed by the repository routes and RPCs). */
  readonly repository: ModelRepository;
  /** A snapshot of the counters, both protocols together. */
  readonly counts: UpstreamCounts;
  /** Server readiness: false answers 503 on /v2/health/ready and `ready: false` to ServerReady. */
  setReady(ready: boolean): void;
  /** Zeroes the counters (requests still in flight stay in `inFlight`). */
  resetCounts(): void;
  /** Ends hanging and waiting requests, closes every connection and both servers. */
  close(): Promise<void>;
}

/**
 * Starts a fault-injecting Open Inference Protocol upstream, REST and gRPC, on 127.0.0.1 port 0.
 * Both protocols share one state: fault switch, repository, ready flag and counters.
 */
export async function startKserveUpstream(options: KserveUpstreamOptions = {}): Promise<KserveUpstream> {
  const state = new UpstreamState(options);
  const http = await startKserveHttpUpstream(state, options.host);
  const grpc = await startKserveGrpcUpstream(state, options.host).catch(async (error: unknown) => {
    await http.close();
    throw error;
  });
  return {
    httpUrl: http.url,
    grpcTarget: grpc.target,
    faults: state.faults,
    repository: state.repository,
    get counts() {
      return state.counts;
    },
    setReady: (ready) => {
      state.ready = ready;
    },
    resetCounts: () => state.resetCounts(),
    close: async () => {
      state.close();
      await Promise.all([http.close(), grpc.close()]);
    },
  };
}
