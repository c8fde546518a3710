import assert from 'node:assert/strict';
import { it } from 'node:test';
import { OUTPUT_TAIL_CHARS, runCommand } from './run-command.js';

const node = process.execPath;
const never = new AbortController().signal;

it('runs a command without a shell and keeps the tail of its output', async () => {
  const summary = await runCommand({ argv: [node, '-e', 'console.log("trained $HOME"); console.error("warn")'], timeoutMs: 10_000, signal: never });
  assert.match(summary, /^exit 0\n/);
  assert.match(summary, /trained \$HOME/, 'no shell expanded $HOME');
  assert.match(summary, /warn/);
});

it('keeps only the end of a long output', async () => {
  const summary = await runCommand({ argv: [node, '-e', 'process.stdout.write("a".repeat(100000) + "END")'], timeoutMs: 10_000, signal: never });
  assert.ok(summary.endsWith('END'));
  assert.ok(summary.length <= OUTPUT_TAIL_CHARS + 'exit 0\n'.length);
});

it('fails with the exit status and the tail, or when the program does not exist', async () => {
  await assert.rejects(runCommand({ argv: [node, '-e', 'console.error("no data"); process.exit(3)'], timeoutMs: 10_000, signal: never }), /^Error: exit 3\nno data/);
  await assert.rejects(runCommand({ argv: ['/nonexistent/umbral-train'], timeoutMs: 10_000, signal: never }), /cannot run '\/nonexistent\/umbral-train': ENOENT/);
});

it('stops a command past its timeout or on shutdown', async () => {
  await assert.rejects(runCommand({ argv: [node, '-e', 'setTimeout(() => {}, 60000)'], timeoutMs: 200, signal: never }), /took longer than 200 ms/);
  const stop = new AbortController();
  const running = runCommand({ argv: [node, '-e', 'setTimeout(() => {}, 60000)'], timeoutMs: 60_000, signal: stop.signal });
  stop.abort();
  await assert.rejects(running, /shutting down/);
});
