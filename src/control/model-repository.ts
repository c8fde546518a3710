import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { createHash } from 'node:crypto';
import { writtenModelConfigSchema, type ModelConfig, type VersionPolicy } from '../model/model-config.js';
import { canonicalJson } from '../model/canonical-json.js';
import { policyOfModelYaml, type PolicyDocument } from '../model/policy.js';

/** One model found on disk: its settings and the versions its policy selects. */
export interface ModelDefinition {
  readonly name: string;
  /** Parsed model.yaml, or undefined when it is broken (then `problem` says why). */
  readonly config: ModelConfig | undefined;
  /** Versions to load, highest first. */
  readonly versions: readonly ModelVersionFile[];
  /** Why the model cannot be served at all (broken model.yaml, no version), if so. */
  readonly problem?: string;
  /** The policy keys model.yaml sets, as written (empty without a model.yaml, or with a broken one). */
  readonly policy: PolicyDocument;
  /** SHA-256 of that policy's canonical JSON: which model.yaml seeded a stored policy. */
  readonly policySha256: string;
}

export interface ModelVersionFile {
  readonly version: string;
  readonly artifactPath: string;
}

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const ARTIFACT = 'model.onnx';

/**
 * Reads a model repository laid out as Triton's: `<dir>/<model>/model.yaml` (optional) and
 * `<dir>/<model>/<version>/model.onnx`, versions being non-negative integers; a remote model
 * (`backend: kserve|openai`) is its model.yaml alone. Never throws for
 * one broken model: it is returned with its problem so that the others still serve.
 */
export function readModelRepository(dir: string): ModelDefinition[] {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new Error(`model repository ${root} is not a directory`);
  }
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && MODEL_NAME.test(entry.name))
    .map((entry) => readModel(entry.name, join(root, entry.name)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function readModel(name: string, dir: string): ModelDefinition {
  const parsed = readModelConfig(join(dir, 'model.yaml'));
  if ('problem' in parsed) return { name, config: undefined, versions: [], problem: parsed.problem, ...seedOf({}) };
  const seed = seedOf(policyOfModelYaml(parsed.raw));
  // A remote model's only "artifact" is its endpoint, written by the registry from model.yaml.
  if (parsed.config.backend !== 'onnx') return { name, config: parsed.config, versions: [], ...seed };
  const available = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d+$/.test(entry.name) && existsSync(join(dir, entry.name, ARTIFACT)))
    .map((entry) => Number(entry.name))
    .sort((a, b) => b - a);
  const selected = applyVersionPolicy(available, parsed.config.version_policy);
  const versions = selected.map((v) => ({ version: String(v), artifactPath: join(dir, String(v), ARTIFACT) }));
  if (versions.length === 0) {
    const why = available.length === 0
      ? `no version directory with a ${ARTIFACT} (expected ${dir}/<version>/${ARTIFACT})`
      : `version_policy selects none of the versions on disk (${available.join(', ')})`;
    return { name, config: parsed.config, versions, problem: why, ...seed };
  }
  return { name, config: parsed.config, versions, ...seed };
}

function seedOf(policy: PolicyDocument): { policy: PolicyDocument; policySha256: string } {
  return { policy, policySha256: createHash('sha256').update(canonicalJson(policy)).digest('hex') };
}

function readModelConfig(file: string): { config: ModelConfig; raw: unknown } | { problem: string } {
  let raw: unknown = {};
  if (existsSync(file)) {
    try {
      raw = parseYaml(readFileSync(file, 'utf8')) ?? {};
    } catch (error) {
      return { problem: `model.yaml is not valid YAML: ${(error as Error).message.split('\n')[0]}` };
    }
  }
  const checked = writtenModelConfigSchema.safeParse(raw);
  if (checked.success) return { config: checked.data, raw };
  const problems = checked.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return { problem: `model.yaml is invalid: ${problems.join('; ')}` };
}

/** Versions (sorted highest first) that a version policy keeps. */
export function applyVersionPolicy(available: readonly number[], policy: VersionPolicy): number[] {
  if ('all' in policy) return [...available];
  if ('latest' in policy) return available.slice(0, policy.latest.num_versions);
  const wanted = new Set(policy.specific.versions);
  return available.filter((v) => wanted.has(v));
}
