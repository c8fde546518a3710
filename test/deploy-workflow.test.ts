import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validateWorkflow, type ValidationError } from '@action-validator/core';
import { parse as parseYaml } from 'yaml';
import { PACKAGE_ROOT } from '../src/paths.js';

/** The CI workflow for GitHub Actions (.github/workflows/ci.yml), as GitHub reads it. */
const WORKFLOW_PATH = '.github/workflows/ci.yml';
const text = readFileSync(join(PACKAGE_ROOT, WORKFLOW_PATH), 'utf8');

interface Step { readonly uses?: string; readonly run?: string; readonly with?: Readonly<Record<string, unknown>> }
interface Service { readonly image: string; readonly ports?: readonly string[]; readonly options?: string }
interface Job {
  readonly if?: string;
  readonly needs?: readonly string[];
  readonly permissions?: Readonly<Record<string, string>>;
  readonly 'timeout-minutes'?: number;
  readonly strategy?: { readonly matrix?: Readonly<Record<string, readonly unknown[]>> };
  readonly services?: Readonly<Record<string, Service>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly steps: readonly Step[];
}
interface Workflow {
  readonly on: { readonly push?: { readonly tags?: readonly string[] } };
  readonly permissions?: Readonly<Record<string, string>>;
  readonly concurrency?: { readonly group?: string };
  readonly jobs: Readonly<Record<string, Job>>;
}
const workflow = parseYaml(text) as Workflow;

function job(name: string): Job {
  const found = workflow.jobs[name];
  assert.ok(found, `${WORKFLOW_PATH} has a job ${name}`);
  return found;
}

/** Every command line of a job's `run` steps. */
function commands(of: Job): string[] {
  return of.steps.flatMap((step) => (step.run ?? '').split('\n').map((line) => line.trim()).filter((line) => line !== ''));
}

/** The schema's complaints, one line each (nested oneOf branches flattened). */
function describeErrors(errors: readonly ValidationError[]): string[] {
  return errors.flatMap((error) => [
    `${'path' in error ? error.path : ''} ${error.title}${error.detail ? `: ${error.detail}` : ''}`,
    ...('states' in error && error.states ? error.states.flatMap((state) => describeErrors(state.errors)) : []),
  ]);
}

/** The test command the README gives (`npm test  # unit and integration tests …`). */
function readmeTestCommand(): string {
  const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
  const match = /^(npm [^#\n]*?)\s+#[^\n]*\btests\b/m.exec(readme);
  assert.ok(match, 'the README gives the test command in its first example');
  return match[1] as string;
}

/** Repository files a job's commands name under deploy/. */
function deployFilesNamed(of: Job): string[] {
  return commands(of).flatMap((line) => line.match(/deploy\/\S+/g) ?? []);
}

describe(`CI workflow (${WORKFLOW_PATH})`, () => {
  it('is valid against the GitHub workflow schema (SchemaStore, through @action-validator/core)', () => {
    const state = validateWorkflow(text);
    assert.equal(state.actionType, 'workflow');
    assert.deepEqual(describeErrors(state.errors), []);
  });

  it('fails when the schema is broken, so the check above can fail', () => {
    const broken = text.replace(/^ {4}runs-on:/m, '    runs-onn:');
    assert.notEqual(broken, text);
    assert.ok(validateWorkflow(broken).errors.length > 0);
  });

  it('checks like the README: npm ci, then npm run check', () => {
    const check = commands(job('check'));
    assert.ok(check.indexOf('npm ci') >= 0 && check.indexOf('npm ci') < check.indexOf('npm run check'), check.join(' | '));
  });

  it('tests with exactly the README\'s test command, on Node 20 and 22, against PostgreSQL and Redis services', () => {
    const test = job('test');
    const lines = commands(test);
    const command = readmeTestCommand();
    assert.equal(command, 'npm test');
    assert.ok(lines.includes(command), `the test job runs \`${command}\`: ${lines.join(' | ')}`);
    assert.ok(lines.indexOf('npm ci') >= 0 && lines.indexOf('npm ci') < lines.indexOf(command), 'a clean install comes first');
    // The oldest line `engines` allows and the image's own (Dockerfile FROM node:24…).
    assert.deepEqual(test.strategy?.matrix?.['node-version'], [22, 24]);
    const setupNode = test.steps.find((step) => step.uses?.startsWith('actions/setup-node@'));
    assert.equal(setupNode?.with?.['node-version'], '${{ matrix.node-version }}');
    assert.equal(setupNode?.with?.cache, 'npm');

    const { postgres, redis } = test.services ?? {};
    assert.match(postgres?.image ?? '', /^postgres:16\b/);
    assert.match(redis?.image ?? '', /^redis:7\b/);
    for (const service of [postgres, redis]) assert.match(service?.options ?? '', /--health-cmd/, 'the job waits for the service to be healthy');
    const database = new URL(test.env?.DATABASE_URL ?? '');
    assert.equal(database.protocol, 'postgres:');
    assert.equal(database.hostname, '127.0.0.1');
    assert.ok(postgres?.ports?.includes(`${database.port}:5432`), `DATABASE_URL's port ${database.port} is the postgres service's`);
    const cache = new URL(test.env?.REDIS_URL ?? '');
    assert.equal(cache.protocol, 'redis:');
    assert.equal(cache.hostname, '127.0.0.1');
    assert.ok(redis?.ports?.includes(`${cache.port}:6379`), `REDIS_URL's port ${cache.port} is the redis service's`);
  });

  it('runs promtool on the alert rules and their unit tests', (t) => {
    const rules = job('rules');
    const lines = commands(rules);
    assert.ok(lines.some((line) => line.startsWith('promtool check rules ')), lines.join(' | '));
    assert.ok(lines.some((line) => line.startsWith('promtool test rules ')), lines.join(' | '));
    const named = deployFilesNamed(rules);
    assert.ok(named.length >= 2, named.join(', '));
    const missing = named.filter((path) => !existsSync(join(PACKAGE_ROOT, path)));
    if (missing.length === named.length) {
      t.skip(`the rules files are not in this checkout yet (${missing.join(', ')})`);
      return;
    }
    assert.deepEqual(missing, [], 'every file the rules job names exists');
  });

  it('runs the bench briefly, with flags the bench knows', () => {
    const line = commands(job('bench-smoke')).find((command) => command.startsWith('npm run bench'));
    assert.ok(line, 'the bench-smoke job runs npm run bench');
    const bench = readFileSync(join(PACKAGE_ROOT, 'bench/run.ts'), 'utf8');
    for (const flag of line.match(/--[a-z][a-z-]*/g) ?? []) {
      // An option of parseArgs: `'duration-ms': { type: …` or `out: { type: …`.
      assert.match(bench, new RegExp(`['"]?${flag.slice(2)}['"]?: \\{ type:`), `bench/run.ts parses ${flag}`);
    }
    assert.match(line, /--duration-ms \d+/);
  });

  it('builds and pushes the image only on version tags, the only job that may write packages', (t) => {
    assert.ok(workflow.on.push?.tags?.includes('v*'), 'tags v* trigger the workflow');
    const image = job('image');
    assert.match(image.if ?? '', /startsWith\(github\.ref, 'refs\/tags\/v'\)/);
    assert.deepEqual(image.permissions, { contents: 'read', packages: 'write' });
    assert.deepEqual(workflow.permissions, { contents: 'read' });
    for (const [name, other] of Object.entries(workflow.jobs)) {
      if (name !== 'image') assert.equal(other.permissions?.packages, undefined, `${name} cannot write packages`);
    }
    const build = image.steps.find((step) => step.uses?.startsWith('docker/build-push-action@'));
    assert.equal(build?.with?.push, true);
    assert.equal(build?.with?.file, 'Dockerfile');
    const meta = image.steps.find((step) => step.uses?.startsWith('docker/metadata-action@'));
    assert.equal(meta?.with?.images, 'ghcr.io/${{ github.repository }}');
    const login = image.steps.find((step) => step.uses?.startsWith('docker/login-action@'));
    assert.equal(login?.with?.registry, 'ghcr.io');
    assert.equal(login?.with?.password, '${{ secrets.GITHUB_TOKEN }}');
    // The Dockerfile comes with the image's own change (and its own test); until then this says so.
    if (!existsSync(join(PACKAGE_ROOT, 'Dockerfile'))) t.skip('the Dockerfile the image job builds is not in this checkout yet');
  });

  it('pins every action to a major version, bounds every job in time and runs one workflow per ref', () => {
    for (const [name, each] of Object.entries(workflow.jobs)) {
      assert.ok(each['timeout-minutes'], `${name} has a timeout`);
      for (const step of each.steps) if (step.uses) assert.match(step.uses, /^[\w-]+\/[\w-]+@v\d+$/, `${name}: ${step.uses}`);
    }
    assert.match(workflow.concurrency?.group ?? '', /github\.ref/);
  });
});
