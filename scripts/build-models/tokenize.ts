/**
 * One token, as an RE2 expression for the graph's Tokenizer and as a JavaScript one here: runs of
 * lowercase ASCII letters and digits. Both engines read this class the same way.
 */
export const TOKEN_PATTERN = '[a-z0-9]+';

const tokenRegex = new RegExp(TOKEN_PATTERN, 'g');

/**
 * The tokens the graph produces for `text`: StringNormalizer with locale "C" lowercases ASCII letters
 * only, then Tokenizer returns every match of TOKEN_PATTERN.
 */
export function tokenize(text: string): string[] {
  const lowered = text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
  return lowered.match(tokenRegex) ?? [];
}
