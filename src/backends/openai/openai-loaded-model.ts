import type { UpstreamGroup } from '../../resilience/upstream-group.js';
import type { Tensor } from '../../protocol/tensor.js';
import { Errors } from '../../errors/catalogue.js';
import type { BackendInferRequest, BackendInferResponse, LlmEndpoint, LoadedModel, ModelSignature } from '../backend.js';
import type { OpenAiClient } from './openai-client.js';

/**
 * Triton's LLM convention (its vLLM and TensorRT-LLM backends): a prompt in `text_input`, the
 * completion in `text_output`, so that the KServe v2 routes, gRPC and the contract suite reach an
 * LLM too.
 */
export const LLM_SIGNATURE: ModelSignature = {
  platform: 'openai',
  inputs: [{ name: 'text_input', datatype: 'BYTES', shape: [1] }],
  outputs: [{ name: 'text_output', datatype: 'BYTES', shape: [1] }],
};

/** Streams held at once are cheap for us (a socket each); the upstream's own limits are what bind. */
const CONCURRENCY = 256;

/** One version of a model behind an OpenAI-compatible API. */
export class OpenAiLoadedModel implements LoadedModel {
  readonly signature = LLM_SIGNATURE;
  readonly concurrency = CONCURRENCY;
  readonly warmUp = false;

  constructor(
    private readonly model: string,
    readonly upstream: UpstreamGroup<OpenAiClient>,
    readonly llm: LlmEndpoint,
    /** Closes the group (and stops the backend tracking it). */
    readonly release: () => Promise<void>,
  ) {}

  /** Each prompt of `text_input` becomes one chat completion of one user message. */
  async infer(request: BackendInferRequest, signal: AbortSignal): Promise<BackendInferResponse> {
    signal.throwIfAborted();
    const input = request.inputs.find((tensor) => tensor.name === 'text_input');
    if (!input || input.datatype !== 'BYTES') throw Errors.missingInput('text_input', this.model);
    const prompts = input.data as string[];
    const texts = await Promise.all(prompts.map((prompt) => this.#complete(prompt, signal)));
    const output: Tensor = { name: 'text_output', datatype: 'BYTES', shape: [...input.shape], data: texts };
    return { outputs: [output] };
  }

  async #complete(prompt: string, signal: AbortSignal): Promise<string> {
    const answer = await this.llm.chat({ messages: [{ role: 'user', content: prompt }] }, signal);
    const choice = (answer.choices as Array<{ message?: { content?: unknown } }> | undefined)?.[0];
    const content = choice?.message?.content;
    if (typeof content !== 'string') throw Errors.upstreamFailed(this.model, 'the answer has no choices[0].message.content');
    return content;
  }
}
