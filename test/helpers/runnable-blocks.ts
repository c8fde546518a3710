import { spawn } from 'node:child_process';

/**
 * Runnable shell examples in the documentation (docs/README.md, "Runnable examples"): a fenced block
 * whose info string is `sh runnable`. A line `# → EXPECTED` ends a step, the commands above it;
 * EXPECTED is an optional HTTP status (the last answer any `curl` of the step got) and an optional
 * text that the step's standard output must contain, `…` matching any text. Two spaces end it (what
 * follows is prose). A step that states no status must get no HTTP answer of 400 or above.
 */
export interface RunnableBlock {
  /** Where the block is: `docs/guides/x.md:42` (the line of its opening fence). */
  readonly where: string;
  readonly steps: readonly Step[];
}

export interface Step {
  /** The shell lines of the step, comments included. */
  readonly script: string;
  readonly expected?: Expected;
}

export interface Expected {
  readonly status?: number;
  /** A text the output must contain; `…` matches anything. */
  readonly text?: string;
}

const FENCE = /^```(.*)$/;
const EXPECTATION = /^#\s*→\s?(.*)$/;

/** The runnable blocks of one Markdown file, in order. */
export function runnableBlocks(file: string, markdown: string): RunnableBlock[] {
  const blocks: RunnableBlock[] = [];
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const info = FENCE.exec(lines[index] as string)?.[1]?.trim();
    if (info === undefined) continue;
    const start = index;
    const body: string[] = [];
    for (index++; index < lines.length && !(lines[index] as string).startsWith('```'); index++) body.push(lines[index] as string);
    if (/^sh\s+runnable\b/.test(info)) blocks.push({ where: `${file}:${start + 1}`, steps: splitSteps(body) });
  }
  return blocks;
}

function splitSteps(lines: readonly string[]): Step[] {
  const steps: Step[] = [];
  let pending: string[] = [];
  for (const line of lines) {
    const expectation = EXPECTATION.exec(line.trim());
    if (!expectation) {
      pending.push(line);
      continue;
    }
    steps.push({ script: pending.join('\n'), expected: parseExpected(expectation[1] as string) });
    pending = [];
  }
  if (pending.some((line) => line.trim() !== '' && !line.trim().startsWith('#'))) steps.push({ script: pending.join('\n') });
  return steps;
}

/** `400 {"error": …}` → status 400 and that text; prose after two spaces is dropped. */
export function parseExpected(raw: string): Expected {
  const text = raw.split(/\s{2,}/)[0]?.trim() ?? '';
  const status = /^([1-5]\d\d)(?:\s+|$)(.*)$/.exec(text);
  const rest = status ? (status[2] as string).trim() : text;
  return { ...(status ? { status: Number(status[1]) } : {}), ...(rest ? { text: rest } : {}) };
}

/** Whether `output` contains `text`, where `…` in `text` matches any run of characters. */
export function outputMatches(output: string, text: string): boolean {
  const pattern = text.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*?');
  return new RegExp(pattern).test(output);
}

const STEP_MARK = '\u001eumbral-docs-step\u001e';

/**
 * The block as one bash script: `set -euo pipefail`, `curl` wrapped to note every status it gets
 * (in the file `$UMBRAL_DOCS_STATUS`), and a mark after each step on stdout and in that file.
 */
export function blockScript(block: RunnableBlock): string {
  const prelude = [
    'set -euo pipefail',
    'curl() {',
    '  local headers rc=0',
    '  headers=$(mktemp)',
    '  command curl -D "$headers" "$@" || rc=$?',
    '  grep -a "^HTTP/" "$headers" | cut -d" " -f2 >> "$UMBRAL_DOCS_STATUS" || true',
    '  rm -f "$headers"',
    '  return $rc',
    '}',
    `umbral_docs_step() { printf '\\n${STEP_MARK}\\n'; echo step >> "$UMBRAL_DOCS_STATUS"; }`,
  ];
  return [...prelude, ...block.steps.flatMap((step) => [step.script, 'umbral_docs_step'])].join('\n');
}

/** What one step printed and the HTTP statuses its `curl` calls got. */
export interface StepResult {
  readonly output: string;
  readonly statuses: readonly number[];
}

/** Splits the script's output and status file by step. */
export function stepResults(stdout: string, statusFile: string): StepResult[] {
  const outputs = stdout.split(`\n${STEP_MARK}\n`);
  const statuses: number[][] = [[]];
  for (const line of statusFile.split('\n')) {
    if (line === 'step') statuses.push([]);
    else if (/^\d{3}$/.test(line)) statuses.at(-1)?.push(Number(line));
  }
  return outputs.slice(0, -1).map((output, index) => ({ output, statuses: statuses[index] ?? [] }));
}

/** What is wrong with a step's result, or undefined when it is what the step says. */
export function checkStep(step: Step, result: StepResult): string | undefined {
  const { expected } = step;
  // 1xx answers (100 Continue before an upload's answer) are not answers of their own.
  const answers = result.statuses.filter((status) => status >= 200);
  const last = answers.at(-1);
  if (expected?.status !== undefined && last !== expected.status) return `expected HTTP ${expected.status}, got ${last ?? 'no answer'}`;
  const earlier = expected?.status !== undefined ? answers.slice(0, -1) : answers;
  const failed = earlier.filter((status) => status >= 400);
  if (failed.length > 0) return `got HTTP ${failed.join(', ')} where the example states no error`;
  if (expected?.text !== undefined && !outputMatches(result.output, expected.text)) return `output lacks ${JSON.stringify(expected.text)}`;
  return undefined;
}

/** Runs `script` with bash in `cwd`; resolves its exit code and output. */
export function runBash(script: string, options: { cwd: string; env: Record<string, string | undefined>; timeoutMs: number })
  : Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd: options.cwd, env: options.env, timeout: options.timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
