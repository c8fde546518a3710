import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chmodSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { containerEnv, type ReplayedStage } from './replay-image.js';

/** Whether this process may drop to the image's USER (only root can). */
export const CAN_SWITCH_USER = process.getuid?.() === 0;

/**
 * Makes the stage's filesystem what `docker run --read-only` gives: nothing writable but its VOLUMEs.
 * (Root ignores the mode bits: the processes started below also run as the image's USER.)
 */
export function makeRootReadOnly(stage: ReplayedStage): void {
  const volumes = new Set(stage.volumes.map((path) => join(stage.root, path)));
  const strip = (path: string): void => {
    if (volumes.has(path)) return;
    const stat = statSync(path);
    chmodSync(path, stat.mode & ~0o222);
    if (stat.isDirectory()) for (const name of readdirSync(path)) strip(join(path, name));
  };
  strip(stage.root);
}

/** `docker run IMAGE`: ENTRYPOINT + CMD in WORKDIR with the image's ENV plus `env` (as `-e`), as USER. */
export function startImage(stage: ReplayedStage, env: Readonly<Record<string, string>>): ChildProcess {
  const [command, ...args] = stage.stage.command;
  if (!command) throw new Error(`stage ${stage.stage.name} has no ENTRYPOINT or CMD`);
  return spawn(command, args, spawnOptions(stage, env));
}

/** Runs the image's HEALTHCHECK command the way the engine does (in the running container) and resolves its exit code. */
export function runHealthcheck(stage: ReplayedStage, env: Readonly<Record<string, string>>): Promise<number | null> {
  const [command, ...args] = stage.stage.healthcheck?.command ?? [];
  if (!command) throw new Error(`stage ${stage.stage.name} has no HEALTHCHECK`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...spawnOptions(stage, env), stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
}

function spawnOptions(stage: ReplayedStage, env: Readonly<Record<string, string>>): SpawnOptions {
  return {
    cwd: join(stage.root, stage.workdir),
    // HOME as the image's node user has it: not writable on a read-only root.
    env: { PATH: process.env.PATH ?? '', HOME: join(stage.root, 'home/node'), ...containerEnv(stage.root, stage.env), ...env },
    ...(CAN_SWITCH_USER ? numericUser(stage.user) : {}),
  };
}

function numericUser(user: string | undefined): { uid: number; gid: number } {
  const match = /^(\d+):(\d+)$/.exec(user ?? '');
  if (!match) throw new Error(`USER ${user ?? '(none)'}: the replay runs only a numeric uid:gid`);
  return { uid: Number(match[1]), gid: Number(match[2]) };
}
