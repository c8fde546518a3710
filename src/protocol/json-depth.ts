/**
 * How deep the JSON bodies that umbral passes on or stores may nest (arrays and objects). Far above
 * what any real request needs (an OpenAI tool schema, a manifest's training parameters), far below
 * what JSON.parse accepts (100k levels) and what JSON.stringify, a replacer or PostgreSQL's jsonb
 * can take back without running out of stack.
 */
export const MAX_JSON_DEPTH = 64;

/** The problem message for a body nested too deep. */
export const TOO_DEEP = `is nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects; send flatter JSON`;

/**
 * The JSON path of the first array or object in `value` nested more than `maxDepth` levels deep
 * (`root` counts as level 1; an empty root writes paths as `messages[0].content`), or undefined.
 * Walks without recursion, so any depth is safe to check.
 */
export function findTooDeep(value: unknown, root: string, maxDepth = MAX_JSON_DEPTH): string | undefined {
  const stack: Array<[node: unknown, path: string, depth: number]> = [[value, root, 1]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, path, depth] = item;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > maxDepth) return path;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], `${path}[${i}]`, depth + 1]);
    } else {
      const keys = Object.keys(node);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        stack.push([(node as Record<string, unknown>)[key], path === '' ? key : `${path}.${key}`, depth + 1]);
      }
    }
  }
  return undefined;
}
