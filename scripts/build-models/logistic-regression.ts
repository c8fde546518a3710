import type { SparseVector } from './featurize.js';

export interface LogisticRegression {
  weights: Float64Array;
  bias: number;
}

export interface TrainingOptions {
  epochs: number;
  learningRate: number;
  /** Strength of the L2 penalty (λ/2 · ‖w‖²); the bias is not penalised. */
  l2: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export function decision(model: LogisticRegression, x: SparseVector): number {
  let z = model.bias;
  for (let k = 0; k < x.indices.length; k++) z += (model.weights[x.indices[k] as number] as number) * (x.values[k] as number);
  return z;
}

/** Mean log loss plus the L2 penalty: its gradient over the whole training set. */
function gradient(model: LogisticRegression, xs: readonly SparseVector[], ys: Uint8Array, l2: number): { weights: Float64Array; bias: number } {
  const weights = Float64Array.from(model.weights, (w) => l2 * w);
  let bias = 0;
  const scale = 1 / xs.length;
  xs.forEach((x, n) => {
    const error = (sigmoid(decision(model, x)) - (ys[n] as number)) * scale;
    bias += error;
    for (let k = 0; k < x.indices.length; k++) {
      const i = x.indices[k] as number;
      weights[i] = (weights[i] as number) + error * (x.values[k] as number);
    }
  });
  return { weights, bias };
}

/**
 * Binary logistic regression by full-batch Adam for a fixed number of epochs: no randomness and no
 * early stopping, so the same data always gives the same weights.
 */
export function trainLogisticRegression(
  xs: readonly SparseVector[],
  ys: Uint8Array,
  dimension: number,
  options: TrainingOptions,
): LogisticRegression {
  const model: LogisticRegression = { weights: new Float64Array(dimension), bias: 0 };
  // Moments of the weights with the bias's moments in the last slot.
  const m = new Float64Array(dimension + 1);
  const v = new Float64Array(dimension + 1);
  // β^t kept as running products rather than Math.pow, so nothing depends on a libm.
  let beta1Power = 1;
  let beta2Power = 1;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const grad = gradient(model, xs, ys, options.l2);
    beta1Power *= BETA1;
    beta2Power *= BETA2;
    const step = options.learningRate * Math.sqrt(1 - beta2Power) / (1 - beta1Power);
    for (let i = 0; i <= dimension; i++) {
      const g = i < dimension ? (grad.weights[i] as number) : grad.bias;
      m[i] = BETA1 * (m[i] as number) + (1 - BETA1) * g;
      v[i] = BETA2 * (v[i] as number) + (1 - BETA2) * g * g;
      const delta = step * (m[i] as number) / (Math.sqrt(v[i] as number) + EPSILON);
      if (i < dimension) model.weights[i] = (model.weights[i] as number) - delta;
      else model.bias -= delta;
    }
  }
  return model;
}
