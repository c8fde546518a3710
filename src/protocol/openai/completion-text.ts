/** The text of an OpenAI chat completion, `choices[0].message.content`; undefined when it has none. */
export function completionText(answer: unknown): string | undefined {
  const content = firstChoice(answer)?.message?.content;
  return typeof content === 'string' ? content : undefined;
}

/** The text a stream chunk adds, `choices[0].delta.content`; '' for a chunk without text (the role, the finish reason, usage). */
export function deltaText(chunk: unknown): string {
  const content = firstChoice(chunk)?.delta?.content;
  return typeof content === 'string' ? content : '';
}

interface Choice { readonly message?: { readonly content?: unknown }; readonly delta?: { readonly content?: unknown } }

function firstChoice(payload: unknown): Choice | undefined {
  const choices = (payload as { choices?: unknown } | null)?.choices;
  return Array.isArray(choices) ? (choices[0] as Choice | undefined) : undefined;
}
