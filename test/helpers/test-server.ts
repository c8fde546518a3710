import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/observability/logger.js';
import { BUNDLED_MODELS_DIR, PACKAGE_ROOT } from '../../src/paths.js';
import type { RouteAccessEntry } from '../../src/server/plugins/access-control.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { testTempDir } from './temp-dir.js';

export const ECHO_MODEL_DIR = join(PACKAGE_ROOT, 'test/fixtures/models/echo');

/** A real server on a free loopback port, its log lines captured for assertions. */
export interface TestServer extends RunningServer {
  readonly logLines: () => Array<Record<string, unknown>>;
}

export interface TestServerOptions {
  /** Model directories to serve, by name (copied into a fresh repository). */
  readonly models?: Readonly<Record<string, string>>;
  /** Extra model directories to create: name → files (relative path → content). */
  readonly extraModels?: Readonly<Record<string, Readonly<Record<string, string | Uint8Array>>>>;
  /** Config overrides by dotted key (each server gets a fresh data directory unless `store.dataDir` is given). */
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** Filled with every route and the access it needs. */
  readonly routeTable?: RouteAccessEntry[];
  /** Receives one-time announcements (a generated bootstrap key) instead of standard output. */
  readonly announce?: (text: string) => void;
  /** Environment the configuration is read from, as a process's would be (overrides win); default none. */
  readonly env?: Readonly<Record<string, string>>;
  /** Environment variables remote models may name (`api_key_env`); default none. */
  readonly environment?: Readonly<Record<string, string>>;
}

/** The bundled example models plus the echo fixture. */
export const DEFAULT_MODELS = {
  'spam-classifier': join(BUNDLED_MODELS_DIR, 'spam-classifier'),
  echo: ECHO_MODEL_DIR,
};

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const repo = testTempDir('umbral-models-');
  for (const [name, dir] of Object.entries(options.models ?? DEFAULT_MODELS)) cpSync(dir, join(repo, name), { recursive: true });
  for (const [name, files] of Object.entries(options.extraModels ?? {})) {
    for (const [path, content] of Object.entries(files)) {
      const file = join(repo, name, path);
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, content);
    }
  }
  const config = loadConfig({
    env: { ...options.env },
    overrides: {
      'server.port': 0, 'grpc.port': 0, 'models.dir': repo, 'store.dataDir': testTempDir('umbral-data-'),
      'onnx.workers': 1, 'log.level': 'info', ...options.overrides,
    },
  });
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const server = await startServer(config, createLogger(config, sink), {
    announce: options.announce ?? (() => undefined), ...(options.routeTable ? { routeTable: options.routeTable } : {}),
    environment: options.environment ?? {},
  });
  return { ...server, logLines: () => lines };
}

/** POSTs JSON and returns status, headers and the parsed body. */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) as Record<string, unknown> : {} };
}

export async function getJson(url: string) {
  const response = await fetch(url);
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try { body = JSON.parse(text) as Record<string, unknown>; } catch { /* not JSON: metrics */ }
  return { status: response.status, headers: response.headers, body, text };
}
