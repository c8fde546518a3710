import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { it } from 'node:test';
import { PACKAGE_ROOT } from '../src/paths.js';

/** What `npm pack` would publish: the server, its bundled models and its protocol definitions, nothing of the tests. */
function packedFiles(): string[] {
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: PACKAGE_ROOT, encoding: 'utf8', env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' }, stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [pack] = JSON.parse(output) as Array<{ files: Array<{ path: string }> }>;
  return (pack?.files ?? []).map((file) => file.path);
}

it('publishes the server and its docs, nothing of its tests: no test files, fakes, contract suites or fault upstream', () => {
  const files = packedFiles();
  for (const needed of ['bin/umbral.js', 'dist/src/cli/main.js', 'dist/src/server/start-server.js', 'proto/inference.proto', 'proto/health.proto',
    'models/spam-classifier/model.yaml', 'docs/getting-started.md', 'README.md', 'package.json']) {
    assert.ok(files.includes(needed), `${needed} is missing from the package`);
  }
  const testing = files.filter((path) => /^dist\/(test|bench|scripts)\/|\.test\.js|contract|fake-|fault-upstream|test-database|testing\//.test(path) && !path.startsWith('docs/'));
  assert.deepEqual(testing, []);
});
