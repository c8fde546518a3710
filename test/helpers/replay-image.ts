import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, join, posix, relative } from 'node:path';
import { promisify } from 'node:util';
import type { Stage, Step } from './dockerfile-model.js';
import { readDockerignore } from './dockerignore.js';

const execFileAsync = promisify(execFile);

/** A stage replayed on this machine: container path P lies at join(root, P). */
export interface ReplayedStage {
  readonly stage: Stage;
  readonly root: string;
  /** ENV as the image has it (container paths). */
  readonly env: Readonly<Record<string, string>>;
  readonly workdir: string;
  readonly user: string | undefined;
  readonly volumes: readonly string[];
}

export interface ReplayOptions {
  /** The build context (the repository root); its .dockerignore applies to COPY. */
  readonly context: string;
  /** An empty directory that receives one folder per stage. */
  readonly base: string;
  /** Extra environment for RUN steps (npm settings such as prefer-offline; never the image's ENV). */
  readonly runEnv?: Readonly<Record<string, string>>;
}

/** Instructions that change nothing on the filesystem; any other unknown one stops the replay. */
const METADATA = new Set(['LABEL', 'ARG', 'EXPOSE', 'HEALTHCHECK', 'ENTRYPOINT', 'CMD', 'STOPSIGNAL']);

/**
 * Replays every stage's filesystem steps outside a container: COPY from the context (through
 * .dockerignore) or from an earlier stage, RUN with `sh -c` in WORKDIR with the stage's ENV, WORKDIR,
 * ENV, USER, VOLUME. Absolute container paths reach RUN only through ENV, mapped into the stage's root.
 */
export async function replayImage(stages: readonly Stage[], options: ReplayOptions): Promise<Map<string, ReplayedStage>> {
  const replayed = new Map<string, ReplayedStage>();
  const ignores = readDockerignore(options.context);
  for (const stage of stages) {
    const root = join(options.base, stage.name);
    mkdirSync(join(root, 'tmp'), { recursive: true });
    chmodSync(join(root, 'tmp'), 0o1777); // as the base image has it
    const state = { env: {} as Record<string, string>, workdir: '/', user: undefined as string | undefined, volumes: [] as string[] };
    for (const step of stage.steps) {
      await replayStep(step, { root, state, replayed, options, ignores });
    }
    replayed.set(stage.name, { stage, root, ...state });
  }
  return replayed;
}

interface StepContext {
  readonly root: string;
  readonly state: { env: Record<string, string>; workdir: string; user: string | undefined; volumes: string[] };
  readonly replayed: ReadonlyMap<string, ReplayedStage>;
  readonly options: ReplayOptions;
  readonly ignores: (path: string) => boolean;
}

async function replayStep(step: Step, context: StepContext): Promise<void> {
  const { root, state } = context;
  switch (step.kind) {
    case 'workdir':
      state.workdir = posix.resolve(state.workdir, step.path);
      mkdirSync(join(root, state.workdir), { recursive: true });
      return;
    case 'env':
      for (const [name, value] of Object.entries(step.vars)) {
        if (value.includes('$')) throw new Error(`ENV ${name}: the replay does not expand variables`);
        state.env[name] = value;
      }
      return;
    case 'user': state.user = step.user; return;
    case 'volume':
      for (const path of step.paths) mkdirSync(join(root, path), { recursive: true });
      state.volumes.push(...step.paths);
      return;
    case 'copy': return copy(step, context);
    case 'run': return run(step, context);
    case 'other':
      if (!METADATA.has(step.keyword)) throw new Error(`the replay does not know ${step.keyword}`);
  }
}

function copy(step: Extract<Step, { kind: 'copy' }>, { root, state, replayed, options, ignores }: StepContext): void {
  if (step.flags.length > 0) throw new Error(`COPY ${step.flags.join(' ')}: the replay knows only --from`);
  const source = step.from === undefined ? undefined : replayed.get(step.from);
  if (step.from !== undefined && !source) throw new Error(`COPY --from=${step.from}: no such earlier stage`);
  const dest = join(root, posix.resolve(state.workdir, step.dest));
  const intoDirectory = step.dest.endsWith('/') || step.sources.length > 1;
  for (const name of step.sources) {
    if (/[*?[$]/.test(name)) throw new Error(`COPY ${name}: the replay does not expand wildcards or variables`);
    const path = source ? join(source.root, name) : join(options.context, name);
    const inContext = relative(options.context, path);
    if (!existsSync(path) || (!source && ignores(inContext))) {
      throw new Error(`COPY ${name}: not found in ${source ? `stage ${step.from}` : 'the build context (or excluded by .dockerignore)'}`);
    }
    const isDirectory = statSync(path).isDirectory();
    const target = isDirectory ? dest : intoDirectory ? join(dest, basename(path)) : dest;
    cpSync(path, target, { recursive: true, filter: (each) => source !== undefined || !ignores(relative(options.context, each)) });
  }
}

async function run(step: Extract<Step, { kind: 'run' }>, { root, state, options }: StepContext): Promise<void> {
  const unknown = step.flags.filter((flag) => !flag.startsWith('mount=type=cache,'));
  if (unknown.length > 0) throw new Error(`RUN ${unknown.join(' ')}: the replay knows only cache mounts`);
  if (/(^|[\s'"=:])\/[^\s]/.test(step.command)) throw new Error(`RUN ${step.command}: name absolute paths through ENV, which the replay maps`);
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.runEnv, ...containerEnv(root, state.env) };
  try {
    await execFileAsync('sh', ['-c', step.command], { cwd: join(root, state.workdir), env, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stderr = '', stdout = '' } = error as { stderr?: string; stdout?: string };
    throw new Error(`RUN ${step.command} failed:\n${stdout.slice(-2000)}\n${stderr.slice(-4000)}`, { cause: error });
  }
}

/** The ENV with every absolute container path mapped into the stage's root on this machine. */
export function containerEnv(root: string, env: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, value.startsWith('/') ? join(root, value) : value]));
}
