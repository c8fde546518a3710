import { Errors } from '../../errors/catalogue.js';
import type { ResiliencePolicy } from '../../resilience/resilience-policy.js';
import { readRemoteArtifact } from '../read-remote-artifact.js';
import { openaiDescriptorSchema, type OpenAiDescriptor } from './openai-descriptor.js';

/** A checked artifact with its key looked up: what a load needs. */
export interface OpenAiArtifact {
  readonly descriptor: OpenAiDescriptor;
  readonly policy: ResiliencePolicy;
  readonly apiKey: string | undefined;
}

/**
 * Reads and checks an openai artifact (the JSON file the registry writes from model.yaml). Throws
 * UMBRAL_ERR_MODEL_LOAD_FAILED listing every problem, and when `api_key_env` names a variable that
 * is not set (its name only, never a value).
 */
export async function readOpenAiArtifact(model: string, path: string,
  environment: Readonly<Record<string, string | undefined>>): Promise<OpenAiArtifact> {
  const { descriptor, policy } = await readRemoteArtifact(model, path, 'openai', openaiDescriptorSchema);
  const variable = descriptor.api_key_env;
  const apiKey = variable === undefined ? undefined : environment[variable];
  if (variable !== undefined && !apiKey) {
    throw Errors.modelLoadFailed(model, `openai.api_key_env names ${variable}, which is not set; set it to the API key`);
  }
  return { descriptor, policy, apiKey };
}
