import type { Manifest } from '../../model/manifest.js';
import type { Tensor } from '../../protocol/tensor.js';
import { numericValues } from '../features/numeric-values.js';
import { summarizePrediction, taskOf } from '../features/summarize-prediction.js';

/** One answer and what its version's manifest says of its outputs. */
export interface Answer {
  readonly outputs: readonly Tensor[];
  readonly manifest?: Pick<Manifest, 'labels' | 'task'>;
}

/** How a shadow's answer compares with the client's. */
export interface Comparison {
  /**
   * Classification (the primary's task, or labels on its output): every row predicts the same
   * class (each version's own labels name it). Any other model: every output is identical.
   */
  readonly agreed: boolean;
  /** Mean absolute difference over the numeric elements of the outputs both answered alike (name and size); undefined when none. */
  readonly difference: number | undefined;
}

export function compareAnswers(primary: Answer, shadow: Answer): Comparison {
  const task = primary.manifest ? taskOf(primary.manifest) : undefined;
  const agreed = task?.type === 'classification' ? sameClasses(task, primary, shadow) : sameOutputs(primary.outputs, shadow.outputs);
  return { agreed, difference: meanAbsoluteDifference(primary.outputs, shadow.outputs) };
}

function sameClasses(task: NonNullable<ReturnType<typeof taskOf>>, primary: Answer, shadow: Answer): boolean {
  const ours = summarizePrediction(task, primary.outputs, primary.manifest?.labels ?? {});
  const theirs = summarizePrediction(shadow.manifest?.task ?? task, shadow.outputs, shadow.manifest?.labels ?? {});
  if (!ours || !theirs || ours.length !== theirs.length) return false;
  return ours.every((row, i) => {
    const other = theirs[i];
    return 'class' in row && other !== undefined && 'class' in other && String(row.class) === String(other.class);
  });
}

function sameOutputs(primary: readonly Tensor[], shadow: readonly Tensor[]): boolean {
  if (primary.length !== shadow.length) return false;
  return primary.every((tensor) => {
    const other = shadow.find((o) => o.name === tensor.name);
    if (!other || other.datatype !== tensor.datatype || other.shape.join() !== tensor.shape.join() || other.data.length !== tensor.data.length) return false;
    for (let i = 0; i < tensor.data.length; i++) if (!sameElement(tensor.data[i], other.data[i])) return false;
    return true;
  });
}

function sameElement(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  return Object.is(a, b) || a === b;
}

function meanAbsoluteDifference(primary: readonly Tensor[], shadow: readonly Tensor[]): number | undefined {
  let sum = 0;
  let count = 0;
  for (const tensor of primary) {
    const other = shadow.find((o) => o.name === tensor.name);
    const ours = numericValues(tensor);
    const theirs = other && other.data.length === tensor.data.length ? numericValues(other) : undefined;
    if (!ours || !theirs) continue;
    for (let i = 0; i < ours.length; i++) {
      const difference = Math.abs((ours[i] as number) - (theirs[i] as number));
      if (Number.isFinite(difference)) {
        sum += difference;
        count++;
      }
    }
  }
  return count === 0 ? undefined : sum / count;
}
