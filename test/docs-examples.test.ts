import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUNDLED_MODELS_DIR, PACKAGE_ROOT } from '../src/paths.js';
import {
  blockScript, checkStep, outputMatches, parseExpected, runBash, runnableBlocks, stepResults, type RunnableBlock,
} from './helpers/runnable-blocks.js';
import { ECHO_MODEL_DIR, startTestServer, type TestServer } from './helpers/test-server.js';

/** The address the documentation writes; each block gets the test server's instead. */
const DOCUMENTED_URL = 'http://127.0.0.1:8080';
const CLI = join(PACKAGE_ROOT, 'bin', 'umbral.js');
const BLOCK_TIMEOUT_MS = 60_000;

/** README.md and every Markdown file under docs/, as paths relative to the package root. */
function documentationFiles(): string[] {
  const docs = readdirSync(join(PACKAGE_ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.md')).map((path) => join('docs', path)).sort();
  return ['README.md', ...docs];
}

function allBlocks(): RunnableBlock[] {
  return documentationFiles().flatMap((file) => runnableBlocks(file, readFileSync(join(PACKAGE_ROOT, file), 'utf8')));
}

/**
 * The bundled models as `npm start` serves them, plus the echo fixture; spam-classifier with the
 * `cache:` section the response-cache guide asks its reader to add before trying its example.
 */
async function startDocumentedServer(): Promise<TestServer> {
  const scratch = mkdtempSync(join(tmpdir(), 'umbral-docs-models-'));
  const spam = join(scratch, 'spam-classifier');
  cpSync(join(BUNDLED_MODELS_DIR, 'spam-classifier'), spam, { recursive: true });
  appendFileSync(join(spam, 'model.yaml'), '\ncache: {ttl_seconds: 300}\n');
  try {
    // The server serves copies of these directories: this one can go once it has started.
    return await startTestServer({ models: { 'spam-classifier': spam, echo: ECHO_MODEL_DIR } });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The environment of a block: this one without umbral's own settings, the CLI pointed at the test server. */
function blockEnvironment(url: string, statusFile: string): Record<string, string | undefined> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('UMBRAL_')));
  return { ...inherited, UMBRAL_URL: url, UMBRAL_DOCS_STATUS: statusFile };
}

/** The first command line of a step, to name it. */
function commandOf(script: string): string {
  return script.split('\n').map((line) => line.trim()).find((line) => line !== '' && !line.startsWith('#')) ?? '(comments only)';
}

/** Runs one block against `url`; resolves what went wrong, or undefined when every step is as documented. */
async function runBlock(block: RunnableBlock, url: string): Promise<string | undefined> {
  const scratch = mkdtempSync(join(tmpdir(), 'umbral-docs-run-'));
  const statusFile = join(scratch, 'statuses');
  writeFileSync(statusFile, '');
  try {
    // `npx umbral` as a reader runs it from the checkout: the CLI under test, not npx's resolution of it.
    const script = blockScript(block).replaceAll(DOCUMENTED_URL, url).replace(/\bnpx umbral\b/g, `node ${JSON.stringify(CLI)}`);
    const run = await runBash(script, { cwd: PACKAGE_ROOT, env: blockEnvironment(url, statusFile), timeoutMs: BLOCK_TIMEOUT_MS });
    if (run.code !== 0) return `exit code ${run.code}\n${run.stderr.slice(-2000)}\n${run.stdout.slice(-2000)}`;
    const results = stepResults(run.stdout, readFileSync(statusFile, 'utf8'));
    const problems = block.steps.flatMap((step, index) => {
      const result = results[index];
      const problem = result ? checkStep(step, result) : 'the step did not run';
      return problem ? [`step ${index + 1} (${commandOf(step.script)}): ${problem}\n${result?.output.slice(0, 1500) ?? ''}`] : [];
    });
    return problems.length > 0 ? problems.join('\n') : undefined;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

describe('runnable examples: the marker and its checks', () => {
  it('reads steps, statuses and output fragments from a block', () => {
    const [block] = runnableBlocks('x.md', [
      'text', '```sh', 'curl -s http://127.0.0.1:8080/not-runnable', '```',
      '```sh runnable', 'curl -s http://127.0.0.1:8080/v2', '# → {"name":"umbral"…}', 'A=1   # a comment',
      'curl -s http://127.0.0.1:8080/nope', '# → 404 "code":"UMBRAL_ERR_ROUTE_NOT_FOUND"    (prose)', 'echo done', '```',
    ].join('\n'));
    assert.ok(block);
    assert.equal(block.where, 'x.md:5');
    assert.deepEqual(block.steps.map((step) => step.expected), [
      { text: '{"name":"umbral"…}' }, { status: 404, text: '"code":"UMBRAL_ERR_ROUTE_NOT_FOUND"' }, undefined,
    ]);
    assert.deepEqual(parseExpected('200'), { status: 200 });
    assert.ok(outputMatches('{"data":["0.993783:1:spam"]}', '["0.99…:1:spam"]'));
    assert.ok(!outputMatches('{"data":["0.12:0:ham"]}', '["0.99…:1:spam"]'));
  });

  it('fails a step whose status or output differs, or that got an error it does not state', () => {
    const step = { script: '', expected: { status: 400, text: 'EMPTY_INPUT' } };
    assert.equal(checkStep(step, { output: 'UMBRAL_ERR_EMPTY_INPUT', statuses: [100, 400] }), undefined);
    assert.match(checkStep(step, { output: 'UMBRAL_ERR_EMPTY_INPUT', statuses: [200] }) ?? '', /expected HTTP 400, got 200/);
    assert.match(checkStep(step, { output: 'ok', statuses: [400] }) ?? '', /output lacks/);
    assert.match(checkStep({ script: '' }, { output: '', statuses: [200, 503] }) ?? '', /HTTP 503/);
  });
});

describe('runnable examples in the README and docs/, against a started server', () => {
  let server: TestServer;
  const blocks = allBlocks();

  before(async () => {
    server = await startDocumentedServer();
  });
  after(() => server?.shutdown('test done'));

  it('finds the examples (the marker is in use)', () => {
    assert.ok(blocks.length >= 10, `only ${blocks.length} runnable blocks`);
    assert.ok(blocks.some((block) => block.where.startsWith('README.md:')), 'the README\'s first request is runnable');
  });

  it('catches an example that is wrong', async () => {
    const [wrong] = runnableBlocks('wrong.md', ['```sh runnable', `curl -s ${DOCUMENTED_URL}/v2/health/live`, '# → 503', '```'].join('\n'));
    assert.match(await runBlock(wrong as RunnableBlock, server.url) ?? '', /expected HTTP 503, got 200/);
  });

  for (const block of blocks) {
    it(`runs ${block.where}`, { timeout: BLOCK_TIMEOUT_MS + 5_000 }, async () => {
      assert.equal(await runBlock(block, server.url), undefined);
    });
  }
});

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replaceAll(' ', '-');
}

function anchorsOf(markdown: string): Set<string> {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...prose.matchAll(/^#{1,6} (.+)$/gm)].map(([, heading]) => anchorOf(heading as string)));
}

/** Relative links of the README and docs/ lead to files of the repository, and to headings that exist. */
describe('links in the README and docs/', () => {
  it('lead to files inside the repository, and to their headings', () => {
    const broken: string[] = [];
    for (const file of documentationFiles()) {
      const text = readFileSync(join(PACKAGE_ROOT, file), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (!target || /^[a-z]+:/.test(target)) continue;
        const [path = '', anchor] = target.split('#');
        const absolute = path === '' ? join(PACKAGE_ROOT, file) : join(PACKAGE_ROOT, file, '..', path);
        if (relative(PACKAGE_ROOT, absolute).startsWith('..')) broken.push(`${file}: ${target} (outside the repository)`);
        else if (!existsSync(absolute)) broken.push(`${file}: ${target} (no such file)`);
        else if (anchor && absolute.endsWith('.md') && !anchorsOf(readFileSync(absolute, 'utf8')).has(anchor)) {
          broken.push(`${file}: ${target} (no such heading)`);
        }
      }
    }
    assert.deepEqual(broken, []);
  });
});
