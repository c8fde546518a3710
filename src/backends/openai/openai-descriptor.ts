import { z } from 'zod';

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The `openai:` section of a `backend: openai` model.yaml (snake_case, strict): where the
 * OpenAI-compatible API is and how to call it. Several base URLs are several servers of one group
 * (balanced, retried, each with its breaker). The key itself never appears here, only the name of
 * the environment variable that holds it.
 *
 * ```yaml
 * openai:
 *   base_urls: [https://api.openai.com/v1]
 *   api_key_env: OPENAI_API_KEY
 *   model: gpt-4o-mini
 *   headers: { OpenAI-Organization: org-123 }
 *   embeddings: false
 * ```
 */
export const openaiDescriptorSchema = z.object({
  /** Base URLs of the API, each ending where `/chat/completions` is appended (usually `…/v1`). */
  base_urls: z.array(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://api.openai.com/v1' })).min(1),
  /** Name of the environment variable holding the API key; no key (no Authorization header) when absent. */
  api_key_env: z.string().regex(ENV_NAME, 'must be an environment variable name such as OPENAI_API_KEY').optional(),
  /** The model name upstream; default the umbral model's name. */
  model: z.string().min(1).optional(),
  /** Extra headers sent on every call (an organisation, a gateway's routing header). */
  headers: z.record(z.string().regex(HEADER_NAME, 'must be an HTTP header name'), z.string()).optional(),
  /** The model answers `/v1/embeddings` (default false: such calls get 400 UMBRAL_ERR_INVALID_REQUEST). */
  embeddings: z.boolean().optional(),
}).strict().superRefine((descriptor, context) => {
  const auth = Object.keys(descriptor.headers ?? {}).find((name) => name.toLowerCase() === 'authorization');
  if (auth && descriptor.api_key_env) {
    context.addIssue({ code: 'custom', path: ['headers', auth], message: 'set either api_key_env or an Authorization header, not both' });
  }
});

export type OpenAiDescriptor = z.output<typeof openaiDescriptorSchema>;
