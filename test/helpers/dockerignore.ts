import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import dockerignore from '@balena/dockerignore';

// The package is CommonJS (`module.exports = ignore`) while its types declare an ES default export.
const ignore = dockerignore as unknown as typeof dockerignore.default;

/** Whether `path` (relative to `context`) stays out of a build, by the context's .dockerignore, as Docker matches it. */
export function readDockerignore(context: string): (path: string) => boolean {
  const file = join(context, '.dockerignore');
  const rules = ignore().add(existsSync(file) ? readFileSync(file, 'utf8') : '');
  return (path) => rules.ignores(path);
}
