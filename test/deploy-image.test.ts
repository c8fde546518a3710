import assert from 'node:assert/strict';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validate } from 'dockerfile-utils';
import { loadConfig } from '../src/config/load-config.js';
import { BUNDLED_MODELS_DIR, PACKAGE_ROOT } from '../src/paths.js';
import { DOCKERFILE, readDockerfile, type Stage, type Step } from './helpers/dockerfile-model.js';
import { readDockerignore } from './helpers/dockerignore.js';
import { freePort } from './helpers/free-port.js';
import { replayImage } from './helpers/replay-image.js';
import { CAN_SWITCH_USER, makeRootReadOnly, runHealthcheck, startImage } from './helpers/run-image.js';
import { testTempDir } from './helpers/temp-dir.js';
import { until } from './helpers/until.js';

const stages = readDockerfile();
const runtime = stages.at(-1) as Stage;
const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
  version: string; license: string; description: string; engines: { node: string };
};
const lockfile = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean; optional?: boolean; devOptional?: boolean }>;
};
const PACKAGE_FILES = ['package.json', 'package-lock.json', '.npmrc'];

const runs = (stage: Stage) => stage.steps.filter((step): step is Extract<Step, { kind: 'run' }> => step.kind === 'run');
const contextCopies = (stage: Stage) => stage.steps.filter((step): step is Extract<Step, { kind: 'copy' }> => step.kind === 'copy' && step.from === undefined);
const envOf = (stage: Stage) => Object.assign({}, ...stage.steps.map((step) => (step.kind === 'env' ? step.vars : {}))) as Record<string, string>;

describe('the Dockerfile', () => {
  it('has no problem that dockerfile-utils (VS Code\'s Docker linter) reports', () => {
    const problems = validate(readFileSync(DOCKERFILE, 'utf8')).map((problem) => `line ${problem.range.start.line + 1}: ${problem.message}`);
    assert.deepEqual(problems, []);
  });

  it('builds in one stage and runs from another, both on one pinned Node LTS that engines accepts', () => {
    assert.ok(stages.length >= 2, 'multi-stage');
    const minimum = /^>=(\d+)\.(\d+)\.(\d+)$/.exec(manifest.engines.node);
    assert.ok(minimum, `engines.node is a plain minimum: ${manifest.engines.node}`);
    for (const stage of stages) {
      assert.equal(stage.image, runtime.image, `stage ${stage.name} builds on the runtime's base`);
      const version = /^node:(\d+)\.(\d+)\.(\d+)-[a-z]+-slim$/.exec(stage.image);
      assert.ok(version, `${stage.image}: a pinned node:X.Y.Z-<debian>-slim tag`);
      const [major, minor, patch] = version.slice(1).map(Number) as [number, number, number];
      const [needMajor, needMinor, needPatch] = minimum.slice(1).map(Number) as [number, number, number];
      assert.equal(major % 2, 0, 'an LTS line (even major)');
      assert.ok(major > needMajor || (major === needMajor && (minor > needMinor || (minor === needMinor && patch >= needPatch))), `${stage.image} satisfies ${manifest.engines.node}`);
    }
  });

  it('installs dependencies before copying sources, with onnxruntime-node\'s download off, and only production ones in the runtime stage', () => {
    for (const stage of stages) {
      const install = stage.steps.findIndex((step) => step.kind === 'run' && /\bnpm ci\b/.test(step.command));
      assert.ok(install > 0, `stage ${stage.name} runs npm ci`);
      const before = stage.steps.slice(0, install);
      const copiedBefore = before.flatMap((step) => (step.kind === 'copy' ? step.sources : []));
      assert.deepEqual([...copiedBefore].sort(), [...PACKAGE_FILES].sort(), `stage ${stage.name}: only the package files before npm ci`);
      assert.ok(before.some((step) => step.kind === 'env' && step.vars.ONNXRUNTIME_NODE_INSTALL === 'skip'), `stage ${stage.name}: ONNXRUNTIME_NODE_INSTALL=skip before npm ci`);
      const firstSourceCopy = stage.steps.findIndex((step) => step.kind === 'copy' && step.sources.some((source) => !PACKAGE_FILES.includes(source)));
      assert.ok(firstSourceCopy === -1 || firstSourceCopy > install, `stage ${stage.name}: sources come after the dependency layer`);
    }
    for (const step of runs(runtime)) {
      if (/\bnpm\b/.test(step.command)) assert.match(step.command, /^npm ci .*--omit=dev/, `runtime: ${step.command}`);
      assert.doesNotMatch(step.command, /\btsc\b|npm (install|i)\b/, `runtime: ${step.command}`);
    }
    const runtimeSources = contextCopies(runtime).flatMap((step) => step.sources);
    assert.deepEqual(runtimeSources.filter((source) => /^(src|test|bench|scripts)\b|tsconfig/.test(source)), [], 'no sources or tests in the runtime stage');
    const fromBuild = runtime.steps.flatMap((step) => (step.kind === 'copy' && step.from !== undefined ? step.sources : []));
    assert.deepEqual(fromBuild, ['/app/dist/src/'], 'only the compiled server from the build stage');
  });

  it('runs `node bin/umbral.js serve` as a numeric non-root user, on the default ports, with a node HEALTHCHECK', () => {
    const user = runtime.steps.flatMap((step) => (step.kind === 'user' ? [step.user] : [])).at(-1) ?? '';
    const uid = /^(\d+):(\d+)$/.exec(user);
    assert.ok(uid && Number(uid[1]) !== 0, `USER ${user}: numeric uid:gid, not root`);
    assert.deepEqual(runtime.command, ['node', 'bin/umbral.js', 'serve']);
    const defaults = loadConfig({ env: {} });
    assert.deepEqual([...runtime.exposed].sort(), [String(defaults.server.port), String(defaults.grpc.port)].sort());
    const healthcheck = runtime.healthcheck;
    assert.ok(healthcheck, 'HEALTHCHECK');
    assert.equal(healthcheck.command[0], 'node', 'node asks: the slim image has no curl');
    assert.match(healthcheck.command.join(' '), /\/health\/(live|ready)/);
    for (const option of ['interval', 'timeout', 'start-period', 'retries']) assert.ok(healthcheck.options[option], `HEALTHCHECK --${option}`);
  });

  it('writes only to its volumes: the data directory and TMPDIR', () => {
    const env = envOf(runtime);
    const volumes = runtime.steps.flatMap((step) => (step.kind === 'volume' ? step.paths : []));
    assert.ok(env.UMBRAL_DATA_DIR && env.TMPDIR);
    assert.deepEqual([...volumes].sort(), [env.UMBRAL_DATA_DIR, env.TMPDIR].sort());
    assert.equal(env.UMBRAL_ENV, 'production');
  });

  it('carries the OCI labels, true to package.json and the base image', () => {
    const labels = runtime.labels;
    assert.equal(labels['org.opencontainers.image.title'], 'umbral');
    assert.equal(labels['org.opencontainers.image.version'], manifest.version);
    assert.equal(labels['org.opencontainers.image.licenses'], manifest.license);
    assert.equal(labels['org.opencontainers.image.description'], manifest.description);
    assert.equal(labels['org.opencontainers.image.base.name'], `docker.io/library/${runtime.image}`);
    for (const key of ['revision', 'created']) assert.ok(`org.opencontainers.image.${key}` in labels, key);
  });

  it('sends the build only what it copies (.dockerignore)', () => {
    const ignores = readDockerignore(PACKAGE_ROOT);
    for (const path of ['node_modules/fastify/package.json', 'dist/src/cli/main.js', '.umbral/pgdata/PG_VERSION', '.git/HEAD', 'test/cli.test.ts', 'src/cli/main.test.ts']) {
      assert.ok(ignores(path), `${path} stays out of the build context`);
    }
    for (const path of ['src/cli/main.ts', 'bin/umbral.js', 'proto/inference.proto', 'models/spam-classifier/model.yaml', ...PACKAGE_FILES]) {
      assert.ok(!ignores(path), `${path} reaches the build`);
    }
  });
});

describe('the image, replayed outside a container', { skip: CAN_SWITCH_USER ? false : 'needs root: the replay chowns like the build and runs the server as the image\'s USER' }, () => {
  it('installs, starts on a read-only root as its USER, answers its HEALTHCHECK and stops cleanly', { timeout: 900_000 }, async () => {
    const base = testTempDir('umbral-image-');
    chmodSync(base, 0o755); // the image's USER must reach its files
    const replayed = await replayImage(stages, {
      context: PACKAGE_ROOT, base,
      // npm settings only (the commands are the Dockerfile's own): use the local cache first.
      runEnv: { npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' },
    });
    const image = replayed.get(runtime.name);
    assert.ok(image);
    // The lockfile marks what only development needs (`dev`); the rest, less platform-optional packages, must be there.
    for (const [path, entry] of Object.entries(lockfile.packages)) {
      if (!path.startsWith('node_modules/') || entry.optional || entry.devOptional) continue;
      assert.equal(existsSync(join(image.root, image.workdir, path)), !entry.dev, `${path}${entry.dev ? ' (dev)' : ''}`);
    }
    makeRootReadOnly(image);

    const port = await freePort();
    // What `docker run -e` would add: ports, the production signing key, one ONNX worker.
    const env = { UMBRAL_PORT: String(port), UMBRAL_GRPC_PORT: String(await freePort()), UMBRAL_JWT_SECRET: randomBytes(36).toString('base64'), UMBRAL_ONNX_WORKERS: '1' };
    const server = startImage(image, env);
    let output = '';
    server.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    server.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    try {
      let report: { models?: Record<string, string> } = {};
      await until(async () => {
        if (server.exitCode !== null) throw new Error(`the image's command exited with ${server.exitCode}:\n${output}`);
        const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined);
        if (ready?.status === 200) report = await ready.json() as typeof report;
        return ready?.status === 200;
      }, 100);
      const bundled = Object.fromEntries(readdirSync(BUNDLED_MODELS_DIR).map((name) => [name, 'ready']));
      assert.deepEqual(report.models, bundled, 'the bundled models serve');
      assert.equal(await runHealthcheck(image, env), 0, 'HEALTHCHECK passes while serving');
      assert.ok(existsSync(join(image.root, image.env.UMBRAL_DATA_DIR ?? '', 'pgdata')), 'the database lives in the data volume');
      const errors = output.split('\n').filter((line) => line.startsWith('{') && (JSON.parse(line) as { level: number }).level >= 50);
      assert.deepEqual(errors, []);
    } finally {
      if (server.exitCode === null) server.kill('SIGTERM');
    }
    const [code] = await once(server, 'exit') as [number | null];
    assert.equal(code, 0, output);
    assert.notEqual(await runHealthcheck(image, env), 0, 'HEALTHCHECK fails once the server is gone');
  });
});
