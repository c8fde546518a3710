import type { DataPlane } from '../../inference/data-plane.js';
import type { Tensor } from '../../protocol/tensor.js';
import type { NumberedRow } from './read-dataset.js';

/** What one row got from the data plane. */
export type RowOutcome =
  | { readonly ok: true; readonly outputs: readonly Tensor[]; readonly latencyMs: number }
  | { readonly ok: false; readonly code: string; readonly message: string };

export interface RunOptions {
  readonly model: string;
  readonly version: number;
  /** Names the rows' requests (`<prefix>-<line>`), as the access log and traces would show them. */
  readonly requestPrefix: string;
  /** Rows in flight at once: what lets dynamic batching merge them, as it merges clients' requests. */
  readonly concurrency: number;
  readonly signal: AbortSignal;
}

/**
 * Sends each row, as its own request, to `version` through the data plane: the path a client's
 * request takes (resolve, deadline, cache, dynamic batching, the backend), `concurrency` at a time.
 * Rows are not handed to the prediction log: evaluation traffic is not production traffic. Resolves
 * one outcome per row, in order; a row that fails is an outcome, not a throw.
 */
export async function runRows(plane: Pick<DataPlane, 'infer'>, rows: readonly NumberedRow[], options: RunOptions): Promise<RowOutcome[]> {
  const outcomes: RowOutcome[] = new Array<RowOutcome>(rows.length);
  let next = 0;
  const worker = async () => {
    while (next < rows.length && !options.signal.aborted) {
      const index = next++;
      const row = rows[index] as NumberedRow;
      outcomes[index] = await runRow(plane, row, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, rows.length) }, worker));
  return outcomes;
}

async function runRow(plane: Pick<DataPlane, 'infer'>, row: NumberedRow, options: RunOptions): Promise<RowOutcome> {
  const started = performance.now();
  try {
    const { result } = await plane.infer({
      model: options.model, version: String(options.version), requestId: `${options.requestPrefix}-${row.line}`, principal: null,
      signal: options.signal, logged: false,
      decode: () => ({ parameters: {}, inputs: row.inputs, outputs: [] }),
    });
    return { ok: true, outputs: result.outputs, latencyMs: performance.now() - started };
  } catch (error) {
    // A fault's internals stay in the server's log, as they would for a client.
    const { code, message, exposed } = error as { code?: unknown; message?: unknown; exposed?: unknown };
    if (typeof code !== 'string' || exposed !== true || typeof message !== 'string') {
      return { ok: false, code: typeof code === 'string' ? code : 'UMBRAL_ERR_INTERNAL', message: 'the version failed to answer; the server log has the cause' };
    }
    return { ok: false, code, message };
  }
}
