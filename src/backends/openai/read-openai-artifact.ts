import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { Errors } from '../../errors/catalogue.js';
import { jsonPath } from '../../protocol/openai/parse-body.js';
import { DEFAULT_RESILIENCE, resilienceSchema, toResiliencePolicy } from '../../resilience/resilience-config.js';
import type { ResiliencePolicy } from '../../resilience/resilience-policy.js';
import { openaiDescriptorSchema, type OpenAiDescriptor } from './openai-descriptor.js';

/** The artifact of a `backend: openai` version: the JSON file the registry writes from model.yaml. */
const artifactSchema = z.object({
  backend: z.literal('openai'),
  openai: openaiDescriptorSchema,
  resilience: z.unknown().optional(),
});

/** A checked artifact with its key looked up: what a load needs. */
export interface OpenAiArtifact {
  readonly descriptor: OpenAiDescriptor;
  readonly policy: ResiliencePolicy;
  readonly apiKey: string | undefined;
}

/**
 * Reads and checks an openai artifact. Throws UMBRAL_ERR_MODEL_LOAD_FAILED listing every problem,
 * and when `api_key_env` names a variable that is not set (its name only, never a value).
 */
export async function readOpenAiArtifact(model: string, path: string,
  environment: Readonly<Record<string, string | undefined>>): Promise<OpenAiArtifact> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw Errors.modelLoadFailed(model, error.code === 'ENOENT' ? `descriptor not found: ${path}` : `cannot read ${path}: ${error.message}`);
  });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw Errors.modelLoadFailed(model, `descriptor ${path} is not JSON (${(error as Error).message})`);
  }
  const checked = artifactSchema.safeParse(raw);
  if (!checked.success) throw Errors.modelLoadFailed(model, problems(checked.error.issues));
  const { openai: descriptor, resilience } = checked.data;
  const policy = readPolicy(model, resilience);
  const variable = descriptor.api_key_env;
  const apiKey = variable === undefined ? undefined : environment[variable];
  if (variable !== undefined && !apiKey) {
    throw Errors.modelLoadFailed(model, `openai.api_key_env names ${variable}, which is not set; set it to the API key`);
  }
  return { descriptor, policy, apiKey };
}

function readPolicy(model: string, resilience: unknown): ResiliencePolicy {
  if (resilience === undefined) return DEFAULT_RESILIENCE;
  const checked = resilienceSchema.safeParse(resilience);
  if (!checked.success) throw Errors.modelLoadFailed(model, problems(checked.error.issues, ['resilience']));
  return toResiliencePolicy(checked.data);
}

function problems(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): string {
  return issues.map((issue) => `${jsonPath([...prefix, ...issue.path])}: ${issue.message}`).join('; ');
}
