import { Errors } from '../../errors/catalogue.js';
import type { OpenAiDescriptor } from './openai-descriptor.js';

/**
 * The API key of a version: the value of the environment variable its `api_key_env` names, or none
 * when it names none. Throws UMBRAL_ERR_MODEL_LOAD_FAILED when that variable is not set (its name
 * only, never a value).
 */
export function openAiApiKey(model: string, descriptor: OpenAiDescriptor, environment: Readonly<Record<string, string | undefined>>): string | undefined {
  const variable = descriptor.api_key_env;
  if (variable === undefined) return undefined;
  const apiKey = environment[variable];
  if (!apiKey) throw Errors.modelLoadFailed(model, `openai.api_key_env names ${variable}, which is not set; set it to the API key`);
  return apiKey;
}
