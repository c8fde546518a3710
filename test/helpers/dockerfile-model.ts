import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser, ModifiableInstruction, PropertyInstruction, type Instruction } from 'dockerfile-ast';
import { PACKAGE_ROOT } from '../../src/paths.js';

/** One step of a stage, as the replay and the structural checks need it. */
export type Step =
  | { readonly kind: 'workdir'; readonly path: string }
  | { readonly kind: 'env'; readonly vars: Readonly<Record<string, string>> }
  | { readonly kind: 'copy'; readonly from: string | undefined; readonly sources: readonly string[]; readonly dest: string; readonly flags: readonly string[] }
  | { readonly kind: 'run'; readonly command: string; readonly flags: readonly string[] }
  | { readonly kind: 'user'; readonly user: string }
  | { readonly kind: 'volume'; readonly paths: readonly string[] }
  | { readonly kind: 'other'; readonly keyword: string };

/** A build stage: its base image, its name and its steps in order. */
export interface Stage {
  readonly name: string;
  readonly image: string;
  readonly steps: readonly Step[];
  readonly labels: Readonly<Record<string, string>>;
  readonly exposed: readonly string[];
  /** HEALTHCHECK: its options and its exec-form command (undefined without one). */
  readonly healthcheck: { readonly options: Readonly<Record<string, string>>; readonly command: readonly string[] } | undefined;
  /** ENTRYPOINT followed by CMD, both exec form. */
  readonly command: readonly string[];
}

export const DOCKERFILE = join(PACKAGE_ROOT, 'Dockerfile');

/** The repository's Dockerfile, parsed by dockerfile-ast (the parser of VS Code's Docker tooling). */
export function readDockerfile(file = DOCKERFILE): Stage[] {
  const dockerfile = DockerfileParser.parse(readFileSync(file, 'utf8'));
  const stages: Stage[] = [];
  for (const from of dockerfile.getFROMs()) {
    const next = dockerfile.getFROMs()[stages.length + 1];
    const start = from.getRange().start.line;
    const end = next ? next.getRange().start.line : Number.POSITIVE_INFINITY;
    const instructions = dockerfile.getInstructions().filter((each) => each.getRange().start.line > start && each.getRange().start.line < end);
    stages.push(readStage(from.getBuildStage() ?? String(stages.length), from.getImage() ?? '', instructions));
  }
  return stages;
}

function readStage(name: string, image: string, instructions: readonly Instruction[]): Stage {
  const labels: Record<string, string> = {};
  const exposed: string[] = [];
  let healthcheck: Stage['healthcheck'];
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  const steps = instructions.map((instruction): Step => {
    const keyword = instruction.getKeyword();
    if (keyword === 'LABEL') for (const [key, value] of properties(instruction)) labels[key] = value;
    if (keyword === 'EXPOSE') exposed.push(...instruction.getArguments().map((argument) => argument.getValue()));
    if (keyword === 'HEALTHCHECK') healthcheck = readHealthcheck(instruction);
    if (keyword === 'ENTRYPOINT') entrypoint = execForm(instruction.getArgumentsContent() ?? '');
    if (keyword === 'CMD') cmd = execForm(instruction.getArgumentsContent() ?? '');
    return readStep(keyword, instruction);
  });
  return { name, image, steps, labels, exposed, healthcheck, command: [...entrypoint, ...cmd] };
}

function readStep(keyword: string, instruction: Instruction): Step {
  const values = instruction.getArguments().map((argument) => argument.getValue());
  const flags = flagsOf(instruction);
  switch (keyword) {
    case 'WORKDIR': return { kind: 'workdir', path: values.join(' ') };
    case 'ENV': return { kind: 'env', vars: Object.fromEntries(properties(instruction)) };
    case 'USER': return { kind: 'user', user: values.join(' ') };
    case 'VOLUME': return { kind: 'volume', paths: execForm(instruction.getArgumentsContent() ?? '') };
    case 'RUN': return { kind: 'run', command: instruction.getArgumentsContent() ?? '', flags };
    case 'COPY': {
      const from = flags.find((flag) => flag.startsWith('from='))?.slice('from='.length);
      return { kind: 'copy', from, sources: values.slice(0, -1), dest: values.at(-1) ?? '', flags: flags.filter((flag) => !flag.startsWith('from=')) };
    }
    default: return { kind: 'other', keyword };
  }
}

/** `--name=value` flags as `name=value` (RUN --mount, COPY --from, HEALTHCHECK --interval). */
function flagsOf(instruction: Instruction): string[] {
  if (!(instruction instanceof ModifiableInstruction)) return [];
  return instruction.getFlags().map((flag) => `${flag.getName()}=${flag.getValue() ?? ''}`);
}

function properties(instruction: Instruction): Array<[string, string]> {
  if (!(instruction instanceof PropertyInstruction)) return [];
  return instruction.getProperties().map((property) => [property.getName(), unquote(property.getUnescapedValue() ?? '')]);
}

function unquote(value: string): string {
  return /^"(.*)"$/s.exec(value)?.[1] ?? value;
}

/** An exec-form (JSON array) argument list; a shell-form one is refused, as the checks want exec form. */
function execForm(text: string): string[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) throw new Error(`not an exec-form list: ${text}`);
  return parsed;
}

function readHealthcheck(instruction: Instruction): Stage['healthcheck'] {
  const content = instruction.getArgumentsContent() ?? '';
  const at = content.indexOf('CMD ');
  if (at < 0) return undefined;
  const options = Object.fromEntries(flagsOf(instruction).map((flag) => flag.split('=', 2) as [string, string]));
  return { options, command: execForm(content.slice(at + 'CMD '.length)) };
}
