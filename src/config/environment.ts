/**
 * The process environment, for what is named in configuration rather than being configuration
 * itself: a remote model's `api_key_env: OPENAI_API_KEY` is looked up here when the model loads
 * (so that the key lives in a secret, never in model.yaml or the registry).
 */
export function processEnvironment(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
