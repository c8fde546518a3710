import type { UpstreamGroup } from '../../resilience/upstream-group.js';
import type { Tensor } from '../../protocol/tensor.js';
import { Errors } from '../../errors/catalogue.js';
import { chatBodyOf, readSampling } from '../../protocol/kserve/llm-parameters.js';
import { PROMPT_SHAPES } from '../../protocol/kserve/llm-infer-request.js';
import { isProtocolError } from '../../protocol/kserve/protocol-error.js';
import { completionText } from '../../protocol/openai/completion-text.js';
import type { BackendInferRequest, BackendInferResponse, LlmEndpoint, LoadedModel, ModelSignature } from '../backend.js';
import type { OpenAiClient } from './openai-client.js';

/**
 * Triton's LLM convention (its vLLM and TensorRT-LLM backends): a prompt in `text_input`, the
 * completion in `text_output`, so that the KServe v2 routes, gRPC and the contract suite reach an
 * LLM too. The prompt is one string, shape [1] (vLLM's) or [1,1] (TensorRT-LLM's, batch of one);
 * the answer has the prompt's shape.
 */
export const LLM_SIGNATURE: ModelSignature = {
  platform: 'openai',
  inputs: [{ name: 'text_input', datatype: 'BYTES', shape: [1], alsoAccepts: PROMPT_SHAPES }],
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

  /**
   * Each prompt of `text_input` becomes one chat completion of one user message, with the sampling
   * settings of the request's `parameters` (protocol/kserve/llm-parameters.ts).
   */
  async infer(request: BackendInferRequest, signal: AbortSignal): Promise<BackendInferResponse> {
    signal.throwIfAborted();
    const input = request.inputs.find((tensor) => tensor.name === 'text_input');
    if (!input || input.datatype !== 'BYTES') throw Errors.missingInput('text_input', this.model);
    const sampling = samplingOf(request.parameters ?? {});
    const prompts = input.data as string[];
    const texts = await Promise.all(prompts.map((prompt) => this.#complete(chatBodyOf(prompt, sampling), signal)));
    const output: Tensor = { name: 'text_output', datatype: 'BYTES', shape: [...input.shape], data: texts };
    return { outputs: [output] };
  }

  async #complete(body: Record<string, unknown>, signal: AbortSignal): Promise<string> {
    const content = completionText(await this.llm.chat(body, signal));
    if (content === undefined) throw Errors.upstreamFailed(this.model, 'the answer has no choices[0].message.content');
    return content;
  }
}

/** The chat fields of the request's settings; a bad one is the client's mistake (400 naming it). */
function samplingOf(parameters: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  try {
    return readSampling(parameters);
  } catch (error) {
    if (isProtocolError(error) && error.kind === 'invalid_parameter') throw Errors.invalidParameter(...(error.args as [string, string]));
    throw error;
  }
}
