import fc from 'fast-check';
import { Pool } from 'undici';
import { Errors } from '../../../src/errors/catalogue.js';
import type { RouteAccessEntry } from '../../../src/server/plugins/access-control.js';
import { badRequest, type FuzzContext, type FuzzRequest } from './bad-requests.js';

export interface FuzzOptions extends FuzzContext {
  /** fast-check's seed; route i runs with seed + i, so that one route's failure replays alone. */
  readonly seed: number;
  /** Generated requests per route (fast-check's numRuns). */
  readonly runsPerRoute: number;
  /** Told of each route once its runs are over: whether it failed, and how many answers had each status. */
  readonly progress?: (route: RouteAccessEntry, failed: boolean, statuses: ReadonlyMap<number, number>) => void;
}

export interface FuzzReport {
  /** Requests sent, shrinking included. */
  readonly requests: number;
  /** How many answers had each status. */
  readonly statuses: ReadonlyMap<number, number>;
  /** One entry per route that failed: fast-check's report with the smallest request that fails. */
  readonly failures: readonly string[];
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

const CODES = new Set(Object.values(Errors).map((entry) => entry.code));
const ANSWER_TIMEOUT_MS = 30_000;

/**
 * Sends generated bad requests to every route of `routes` and checks each answer: never a 5xx,
 * every 4xx with a code of the catalogue (in the body, or for HEAD in the header), and the server
 * still live after each route. Failures are collected, not thrown, so one run reports them all.
 */
export async function fuzzRoutes(url: string, routes: readonly RouteAccessEntry[], options: FuzzOptions): Promise<FuzzReport> {
  const pool = new Pool(url, { connections: 2, headersTimeout: ANSWER_TIMEOUT_MS, bodyTimeout: ANSWER_TIMEOUT_MS });
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  let requests = 0;
  try {
    for (const [index, route] of routes.entries()) {
      const routeStatuses = new Map<number, number>();
      const property = fc.asyncProperty(badRequest(route, options), async (request) => {
        requests++;
        const answer = await send(pool, request);
        for (const counts of [statuses, routeStatuses]) counts.set(answer.status, (counts.get(answer.status) ?? 0) + 1);
        const problem = judge(request, answer);
        if (problem) throw new Error(problem);
      });
      const details = await fc.check(property, { seed: options.seed + index, numRuns: options.runsPerRoute });
      if (details.failed) failures.push(`${route.method} ${route.url}: ${fc.defaultReportMessage(details) ?? 'failed'}`);
      const live = await send(pool, { method: 'GET', path: '/health/live', headers: {} });
      if (live.status !== 200) failures.push(`after ${route.method} ${route.url}: /health/live answered ${live.status}`);
      options.progress?.(route, details.failed, routeStatuses);
    }
  } finally {
    await pool.close();
  }
  return { requests, statuses, failures };
}

async function send(pool: Pool, request: FuzzRequest): Promise<Answer> {
  const response = await pool.request({
    method: request.method as 'GET', path: request.path, headers: request.headers, body: request.body,
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

/** What is wrong with an answer to a bad request, if anything. */
export function judge(request: FuzzRequest, answer: Answer): string | undefined {
  const seen = `${answer.status} ${answer.text.slice(0, 300)}`;
  if (answer.status >= 500) return `a 5xx: ${seen}`;
  if (answer.status < 400) return undefined;
  const header = answer.headers['x-umbral-error-code'];
  if (request.method === 'HEAD') return typeof header === 'string' && CODES.has(header) ? undefined : `a 4xx without a catalogue code: ${seen}`;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `a 4xx whose body is not JSON: ${seen}`;
  }
  const { code, message, openAi } = errorOf(body);
  // OpenAI's shape carries OpenAI's own code where it has one (model_not_found…); the header always has ours.
  const ours = openAi ? header : code;
  if (code === undefined || typeof ours !== 'string' || !CODES.has(ours)) return `a 4xx without a catalogue code: ${seen}`;
  if (!openAi && header !== code) return `a 4xx whose x-umbral-error-code (${String(header)}) is not its code: ${seen}`;
  if (message === undefined || message.length < 10) return `a 4xx without a message that says what to fix: ${seen}`;
  return undefined;
}

/** Code and message of an error body: the protocol's `{"error", "code"}` or OpenAI's `{"error": {"message", "code"}}`. */
function errorOf(body: unknown): { code?: string; message?: string; openAi: boolean } {
  if (typeof body !== 'object' || body === null) return { openAi: false };
  const { error, code } = body as { error?: unknown; code?: unknown };
  if (typeof error === 'object' && error !== null) {
    const nested = error as { code?: unknown; message?: unknown };
    return { code: typeof nested.code === 'string' ? nested.code : undefined, message: typeof nested.message === 'string' ? nested.message : undefined, openAi: true };
  }
  return { code: typeof code === 'string' ? code : undefined, message: typeof error === 'string' ? error : undefined, openAi: false };
}
