/** One arm of a model's split, as the data plane serves it. */
export interface TrafficVariant {
  /** Its name: the answer's `x-umbral-variant`, the prediction log's `variant`, the metrics' label. */
  readonly name: string;
  /** What serves it: a version number or an alias name, resolved per request (an alias is followed as it moves). */
  readonly target: string;
  /** Its share of requests, in percent. */
  readonly weight: number;
}

/** Where a request's sticky key is read. */
export interface StickyKey {
  /** A request header (HTTP header or gRPC metadata), a request parameter (KServe v2 `parameters`), or an input tensor's first element. */
  readonly from: 'header' | 'parameter' | 'input';
  readonly name: string;
}

/**
 * Policy `traffic` compiled for the request path (src/control/traffic-plan.ts builds it): choosing
 * a variant is one table lookup, with no allocation.
 */
export interface TrafficPlan {
  readonly variants: readonly TrafficVariant[];
  /** 100 slots, slot i holding the index of the variant that owns percent i (variants in split order). */
  readonly slots: Uint8Array;
  /** The hash of the model's name, where sticky keys' hashes start (the same key lands independently in different models). */
  readonly seed: number;
  readonly sticky?: StickyKey;
  /** Whether an operator's `x-umbral-variant` header chooses the variant. */
  readonly override: boolean;
}
