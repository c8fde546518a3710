import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { testTempDir } from './temp-dir.js';

export const CLI = join(PACKAGE_ROOT, 'bin/umbral.js');

/**
 * The child's environment: PATH, a data directory of its own (never the checkout's), a free gRPC
 * port (so that servers never collide on the default), then `env`.
 */
function childEnv(env: Record<string, string>): Record<string, string | undefined> {
  return { PATH: process.env.PATH, UMBRAL_DATA_DIR: testTempDir('umbral-cli-data-'), UMBRAL_GRPC_PORT: '0', ...env };
}

/** Runs the CLI to completion and returns its exit code and output. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: childEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `umbral serve` on a free port and resolves once it says where it serves. */
export function serveCli(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], { env: childEnv(env) });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:[^"]+)".*umbral is serving/.exec(output);
      if (match) resolve({ child, url: match[1] as string, output: () => output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`umbral exited with ${code} before serving:\n${output}`)));
  });
}
