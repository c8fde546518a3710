import type { ModelSignature, TensorSpec } from '../backends/backend.js';
import type { ModelConfig } from '../model/model-config.js';

/** The signature a model version is served with: the backend's, narrowed by model.yaml. */
export interface ServedSignature {
  readonly signature: ModelSignature;
  /** Class labels per output name (for Triton's classification parameter). */
  readonly labels: ReadonlyMap<string, readonly string[]>;
}

type Override = ModelConfig['input'][number];

/**
 * Applies model.yaml's `input`/`output` overrides to what the backend found, and checks that the
 * settings fit the model. Returns the problems instead of a signature when they don't: a model.yaml
 * that disagrees with its model must fail the load with a message that says what to change.
 */
export function resolveServedSignature(found: ModelSignature, config: ModelConfig): ServedSignature | { problems: string[] } {
  const problems: string[] = [];
  const inputs = applyOverrides('input', found.inputs, config.input, problems);
  const outputs = applyOverrides('output', found.outputs, config.output, problems);
  if (config.max_batch_size > 0) {
    for (const spec of [...inputs, ...outputs]) {
      if (spec.shape.length === 0 || spec.shape[0] !== -1) {
        problems.push(`max_batch_size is ${config.max_batch_size} but '${spec.name}' has no variable first (batch) ` +
          `dimension [${spec.shape.join(',')}]; set max_batch_size: 0 or export the model with a dynamic batch axis`);
      }
    }
  }
  const labels = new Map<string, readonly string[]>();
  for (const override of config.output) {
    if (!override.labels) continue;
    const spec = outputs.find((o) => o.name === override.name);
    const classes = spec?.shape[spec.shape.length - 1];
    if (classes !== undefined && classes !== -1 && classes !== override.labels.length) {
      problems.push(`output '${override.name}' has ${classes} classes but ${override.labels.length} labels`);
    }
    labels.set(override.name, override.labels);
  }
  if (problems.length > 0) return { problems };
  return { signature: { platform: found.platform, inputs, outputs }, labels };
}

function applyOverrides(
  kind: 'input' | 'output',
  found: readonly TensorSpec[],
  overrides: readonly Override[],
  problems: string[],
): TensorSpec[] {
  const byName = new Map(found.map((spec) => [spec.name, spec]));
  for (const override of overrides) {
    const spec = byName.get(override.name);
    if (!spec) {
      problems.push(`model.yaml ${kind} '${override.name}' is not an ${kind} of the model; ` +
        `its ${kind}s are: ${found.map((s) => s.name).join(', ')}`);
      continue;
    }
    if (override.datatype && override.datatype !== spec.datatype) {
      problems.push(`model.yaml ${kind} '${override.name}' says ${override.datatype} but the model has ${spec.datatype}`);
    }
    const shape = override.shape ? narrowShape(spec, override.shape, kind, problems) : spec.shape;
    byName.set(spec.name, { ...spec, shape });
  }
  return found.map((spec) => byName.get(spec.name) ?? spec);
}

/** An override may fix dimensions the model leaves variable, never change a fixed one. */
function narrowShape(spec: TensorSpec, shape: readonly number[], kind: string, problems: string[]): readonly number[] {
  const compatible = shape.length === spec.shape.length
    && shape.every((dim, i) => spec.shape[i] === -1 || dim === -1 || dim === spec.shape[i]);
  if (!compatible) {
    problems.push(`model.yaml ${kind} '${spec.name}' shape [${shape.join(',')}] does not fit the model's [${spec.shape.join(',')}]`);
    return spec.shape;
  }
  return shape.map((dim, i) => (dim === -1 ? (spec.shape[i] as number) : dim));
}
