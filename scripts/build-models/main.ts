import { relative } from 'node:path';
import { stat } from 'node:fs/promises';
import { buildAll, REPO_ROOT } from './build-all.js';

// Usage: node dist/scripts/build-models/main.js [root]
// Writes <root>/models/… and <root>/test/fixtures/models/…; root defaults to the repository.
const root = process.argv[2] ?? REPO_ROOT;
const started = performance.now();
const written = await buildAll(root, (line) => console.log(line));
for (const path of written) console.log(`wrote ${relative(root, path)} (${(await stat(path)).size} bytes)`);
console.log(`built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
