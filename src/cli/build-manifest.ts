import type { z } from 'zod';
import { Errors } from '../errors/catalogue.js';
import { manifestSchema } from '../model/manifest.js';
import { modelConfigToManifest } from '../model/manifest-config.js';
import type { ModelConfig } from '../model/model-config.js';

/** A manifest as sent to the server, before the server fills in its defaults. */
export type ManifestInput = z.input<typeof manifestSchema>;

type Json = Record<string, unknown>;

/**
 * The manifest of a pushed version: what model.yaml says, mapped exactly as the server maps it when
 * it imports the model repository (`modelConfigToManifest`: description, serving settings, output
 * labels, metadata as training parameters, seed and held-out metrics), deep-merged with the
 * `--manifest` JSON (which wins: objects merge, anything else is replaced), then checked with the
 * server's schema so that problems are reported before the upload. Throws UMBRAL_ERR_MANIFEST_INVALID
 * listing every problem.
 */
export function buildManifest(config: ModelConfig | undefined, override: unknown = {}): ManifestInput {
  if (!isPlainObject(override)) throw Errors.manifestInvalid(['--manifest must hold a JSON object']);
  const base = config === undefined ? {} : withoutUndefined(modelConfigToManifest(config));
  const merged = deepMerge(base, override);
  const checked = manifestSchema.safeParse(merged);
  if (!checked.success) {
    throw Errors.manifestInvalid(checked.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
  }
  return merged as ManifestInput;
}

/** Merges `override` into `base`: plain objects recursively, anything else replaced. */
export function deepMerge(base: Json, override: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

/** A JSON round trip: drops undefined members, as sending the manifest would. */
function withoutUndefined(value: object): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
