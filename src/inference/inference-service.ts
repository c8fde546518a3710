import { Errors } from '../errors/catalogue.js';
import { isUmbralError, type UmbralError } from '../errors/umbral-error.js';
import type { Metrics } from '../observability/metrics.js';
import type { Tensor } from '../protocol/tensor.js';
import { withDeadline } from '../resilience/with-deadline.js';
import { classify } from './classification.js';
import type { ModelHost } from './model-host.js';
import type { ServedVersion } from './served-version.js';
import { validateRequest } from './validate-request.js';

/** An output the caller asks for, with Triton's classification extension (top-k labels). */
export interface RequestedOutput {
  readonly name: string;
  /**
   * Triton's `classification` parameter as the client sent it: return the top k classes as
   * "value:index[:label]" strings instead of the tensor. Checked by `classify` (a positive integer).
   */
  readonly classification?: string | number | boolean;
}

/** One inference call, protocol-agnostic, for a version `resolve` returned. */
export interface InferCall {
  readonly inputs: readonly Tensor[];
  /** Outputs to return; all when empty. */
  readonly outputs: readonly RequestedOutput[];
  /** Fires when the client goes away. */
  readonly signal: AbortSignal;
}

export interface InferResult {
  readonly model: string;
  readonly version: string;
  readonly outputs: readonly Tensor[];
  /** Rows in the run that served this request, after dynamic batching. */
  readonly batchSize: number;
}

/**
 * The data plane: every protocol (KServe v2 REST today, gRPC and OpenAI routes later) calls it in two
 * steps. `resolve` picks the version (404/503 before the body is even decoded, as Triton answers);
 * `infer` checks the request against that version's signature, schedules it under a deadline and
 * post-processes the outputs. It throws catalogue errors; routes render them.
 */
export class InferenceService {
  constructor(
    private readonly host: ModelHost,
    private readonly metrics: Metrics,
    private readonly requestTimeoutMs: number,
  ) {}

  /**
   * The version that serves `model`: `version` is a number or an alias name; when absent, the
   * model's default version (champion, else latest).
   */
  resolve(model: string, version?: string): Promise<ServedVersion> {
    return this.host.resolve(model, version);
  }

  async infer(served: ServedVersion, call: InferCall): Promise<InferResult> {
    const labels = { model: served.model, version: served.version };
    const started = performance.now();
    try {
      const outputNames = call.outputs.map((o) => o.name);
      validateRequest(served.model, served.served.signature, served.config.max_batch_size, call.inputs, outputNames);
      const result = await withDeadline(call.signal, this.requestTimeoutMs,
        (signal) => served.scheduler.infer({ inputs: call.inputs, outputs: outputNames }, signal));
      const outputs = result.response.outputs.map((tensor) => {
        const k = call.outputs.find((o) => o.name === tensor.name)?.classification;
        return k === undefined ? tensor
          : classify(tensor, k, served.served.labels.get(tensor.name), served.config.max_batch_size > 0);
      });
      this.metrics.requestSuccess.inc(labels);
      this.metrics.queueDuration.observe(labels, result.queueMs / 1000);
      return { model: served.model, version: served.version, outputs, batchSize: result.batchSize };
    } catch (error) {
      const reason = isUmbralError(error) ? (error as UmbralError).code : 'UMBRAL_ERR_BACKEND_FAILED';
      this.metrics.requestFailure.inc({ ...labels, reason });
      throw isUmbralError(error) ? error : Errors.backendFailed(served.model, String(error));
    } finally {
      this.metrics.requestDuration.observe(labels, (performance.now() - started) / 1000);
    }
  }
}
