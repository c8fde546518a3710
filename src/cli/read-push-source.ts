import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Errors } from '../errors/catalogue.js';
import { writtenModelConfigSchema, type ModelConfig } from '../model/model-config.js';

const ARTIFACT = 'model.onnx';

/** What `umbral models push DIR|FILE` uploads. */
export interface PushSource {
  readonly artifactPath: string;
  readonly size: number;
  /** model.yaml of the model directory pushed; undefined for a file or a directory without one. */
  readonly config: ModelConfig | undefined;
}

/**
 * Resolves DIR|FILE as the model repository lays it out: an `.onnx` file; or a directory holding
 * `model.yaml` (optional) and either `model.onnx` or `<n>/model.onnx` (the highest n is taken).
 * A path that is neither throws UMBRAL_ERR_USAGE; a broken model.yaml UMBRAL_ERR_MODEL_CONFIG_INVALID.
 */
export function readPushSource(path: string): PushSource {
  const full = resolve(path);
  if (!existsSync(full)) throw Errors.usage(`models push: ${path} does not exist`);
  if (statSync(full).isFile()) {
    if (!full.endsWith('.onnx')) throw Errors.usage(`models push: ${path} is not an .onnx file nor a model directory`);
    return { artifactPath: full, size: statSync(full).size, config: undefined };
  }
  const artifactPath = findArtifact(full);
  if (artifactPath === undefined) {
    throw Errors.usage(`models push: ${path} holds neither ${ARTIFACT} nor <version>/${ARTIFACT}`);
  }
  return { artifactPath, size: statSync(artifactPath).size, config: readModelYaml(full) };
}

function findArtifact(dir: string): string | undefined {
  if (existsSync(join(dir, ARTIFACT))) return join(dir, ARTIFACT);
  const highest = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d+$/.test(entry.name) && existsSync(join(dir, entry.name, ARTIFACT)))
    .map((entry) => Number(entry.name))
    .sort((a, b) => b - a)[0];
  return highest === undefined ? undefined : join(dir, String(highest), ARTIFACT);
}

function readModelYaml(dir: string): ModelConfig | undefined {
  const file = join(dir, 'model.yaml');
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8')) ?? {};
  } catch (error) {
    throw Errors.modelConfigInvalid(basename(dir), [`not valid YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
  const checked = writtenModelConfigSchema.safeParse(raw);
  if (checked.success) return checked.data;
  throw Errors.modelConfigInvalid(basename(dir), checked.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
}

/** The `--manifest FILE` JSON document. */
export function readManifestFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw Errors.usage(`models push: --manifest ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw Errors.manifestInvalid([`--manifest ${file} is not valid JSON (${(error as Error).message})`]);
  }
}
