import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { Errors } from '../errors/catalogue.js';
import type { RemoteBackendKind } from '../model/backend-kind.js';
import { DEFAULT_RESILIENCE, resilienceSchema, toResiliencePolicy } from '../resilience/resilience-config.js';
import type { ResiliencePolicy } from '../resilience/resilience-policy.js';

/** A remote version's artifact, checked: its endpoint section and its resilience policy. */
export interface RemoteArtifact<D> {
  readonly descriptor: D;
  readonly policy: ResiliencePolicy;
}

/**
 * Reads the artifact of a remote version (`{ backend, <kind>: endpoint, resilience }`, the JSON the
 * registry writes from model.yaml) and checks its endpoint with the backend's schema. Throws
 * UMBRAL_ERR_MODEL_LOAD_FAILED listing every problem.
 */
export async function readRemoteArtifact<D>(model: string, path: string, kind: RemoteBackendKind, schema: z.ZodType<D>): Promise<RemoteArtifact<D>> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw Errors.modelLoadFailed(model, error.code === 'ENOENT' ? `descriptor not found: ${path}` : `cannot read ${path}: ${error.message}`);
  });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw Errors.modelLoadFailed(model, `descriptor ${path} is not JSON (${(error as Error).message})`);
  }
  const artifact = z.object({ backend: z.literal(kind), [kind]: schema, resilience: resilienceSchema.optional() }).safeParse(raw);
  if (!artifact.success) throw Errors.modelLoadFailed(model, problems(artifact.error.issues));
  const data = artifact.data as Record<string, unknown>;
  const resilience = data.resilience as z.output<typeof resilienceSchema> | undefined;
  return { descriptor: data[kind] as D, policy: resilience ? toResiliencePolicy(resilience) : DEFAULT_RESILIENCE };
}

/** Every problem with its path as written in model.yaml (`openai.base_urls[0]: …`). */
function problems(issues: readonly z.core.$ZodIssue[]): string {
  const path = (keys: readonly PropertyKey[]) => keys.reduce<string>((text, key) =>
    (typeof key === 'number' ? `${text}[${key}]` : `${text}${text ? '.' : ''}${String(key)}`), '') || '(root)';
  return issues.map((issue) => `${path(issue.path)}: ${issue.message}`).join('; ');
}
