import type { Manifest } from './manifest.js';
import { modelConfigSchema, type ModelConfig } from './model-config.js';

/** The serving settings a version's manifest implies (the model.yaml equivalent). */
export function manifestToModelConfig(manifest: Manifest): ModelConfig {
  const labelled = new Set(Object.keys(manifest.labels));
  const outputs = (manifest.outputs ?? []).map((o) => ({ ...o, labels: manifest.labels[o.name] }));
  for (const name of labelled) if (!outputs.some((o) => o.name === name)) outputs.push({ name, labels: manifest.labels[name] });
  return modelConfigSchema.parse({
    backend: manifest.backend,
    description: manifest.description,
    max_batch_size: manifest.serving.max_batch_size,
    dynamic_batching: manifest.serving.dynamic_batching,
    input: manifest.inputs ?? [],
    output: outputs.map((o) => (o.labels ? o : { name: o.name, datatype: o.datatype, shape: o.shape })),
  });
}

/** A manifest for a model.yaml found on disk (seeding the registry from the model repository). */
export function modelConfigToManifest(config: ModelConfig): Manifest {
  const labels = Object.fromEntries(config.output.flatMap((o) => (o.labels ? [[o.name, o.labels]] : [])));
  const strip = ({ name, datatype, shape }: ModelConfig['input'][number]) => ({ name, datatype, shape });
  const metadata = config.metadata;
  return {
    backend: config.backend,
    description: config.description,
    inputs: config.input.length > 0 ? config.input.map(strip) : undefined,
    outputs: config.output.some((o) => o.datatype || o.shape) ? config.output.map(strip) : undefined,
    labels,
    training: { parameters: metadata, seed: typeof metadata.seed === 'number' ? metadata.seed : undefined },
    metrics: numericLeaves(metadata.held_out_metrics),
    serving: { max_batch_size: config.max_batch_size, dynamic_batching: config.dynamic_batching },
  };
}


function numericLeaves(value: unknown): Record<string, number> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, number] => typeof entry[1] === 'number'));
}
