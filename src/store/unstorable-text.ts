/** Where a JSON value holds text PostgreSQL cannot store as sent, and why. */
export interface UnstorableText {
  /** JSON path from the root: `body.description`, `body.models[2]`. */
  readonly path: string;
  /** What is wrong, for the client's error message. */
  readonly problem: string;
}

// NUL, or a surrogate not paired as UTF-16 requires (the `u` flag reads a pair as one code point).
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const UNSTORABLE = /\u0000|\p{Surrogate}/u;

/**
 * The first string (value or key) in `value` that PostgreSQL cannot store faithfully: `text` and
 * `jsonb` refuse NUL (`invalid byte sequence for encoding "UTF8": 0x00`), `jsonb` refuses an unpaired
 * surrogate escape, and `text` would store it as U+FFFD, altered. JSON can carry both (`\u0000`,
 * `\ud800`). Walks without recursion: JSON.parse accepts arrays nested 100k deep.
 */
export function findUnstorableText(value: unknown, root: string): UnstorableText | undefined {
  const stack: Array<[unknown, string]> = [[value, root]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, path] = item;
    if (typeof node === 'string') {
      const problem = textProblem(node);
      if (problem) return { path, problem };
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], `${path}[${i}]`]);
    } else if (typeof node === 'object' && node !== null) {
      const entries = Object.entries(node);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] as [string, unknown];
        const problem = textProblem(key);
        if (problem) return { path: `${path} (a key)`, problem };
        stack.push([child, `${path}.${key}`]);
      }
    }
  }
  return undefined;
}

function textProblem(text: string): string | undefined {
  const found = UNSTORABLE.exec(text)?.[0];
  if (found === undefined) return undefined;
  if (found === '\u0000') return 'holds the character U+0000 (NUL), which cannot be stored; remove it';
  const unit = found.charCodeAt(0).toString(16).toUpperCase();
  return `holds an unpaired UTF-16 surrogate (\\u${unit.toLowerCase()}), which is not a Unicode character; send valid text`;
}
