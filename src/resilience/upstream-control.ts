/** One upstream server as the resilience layer sees it (for `/admin/breakers`, readiness, metrics). */
export interface ServerStatus {
  readonly url: string;
  /** Last health check passed (servers start healthy until a check says otherwise). */
  readonly healthy: boolean;
  readonly breaker: 'closed' | 'open' | 'half-open';
  /** Requests sent to this server that have not finished. */
  readonly outstanding: number;
}

/** The server group behind a remote model version. */
export interface UpstreamControl {
  /** Name of the group in metrics and `/admin/breakers` (the model name). */
  readonly name: string;
  servers(): readonly ServerStatus[];
  /** Replaces the server list at run time; servers kept keep their breaker and health state. */
  setServers(urls: readonly string[]): void;
  /** At least one server is healthy and its breaker not open: readiness of the model. */
  ready(): boolean;
  /** Triton's model repository extension on the upstream, where the protocol has it (kserve). */
  readonly repository?: RepositoryControl;
}

/** Triton's model repository extension (index, load, unload), called on every server of the group. */
export interface RepositoryControl {
  /** Every model each server knows, with the server that said so. */
  index(signal: AbortSignal): Promise<ReadonlyArray<{ server: string; name: string; version?: string; state?: string; reason?: string }>>;
  load(model: string, signal: AbortSignal): Promise<void>;
  unload(model: string, signal: AbortSignal): Promise<void>;
}
