/** How a request that a split assigned ended: answered, refused as the client's fault (4xx), or failed (5xx). */
export type TrafficOutcome = 'ok' | 'client_error' | 'error';

/**
 * Hears each request a model's split assigned (src/inference/traffic/), for the per-variant metrics.
 * Called synchronously at the end of the request: it records and returns, never throws.
 */
export interface TrafficObserver {
  served(model: string, variant: string, outcome: TrafficOutcome, seconds: number): void;
}
