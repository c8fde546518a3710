import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { Errors } from '../errors/catalogue.js';
import { checkConfig, resolveDefaults } from './check-config.js';
import { SETTINGS, type Config } from './schema.js';
import { flattenSettings, type Setting } from './setting.js';

/** Where configuration comes from, lowest priority first. */
export interface ConfigSources {
  /** YAML file path; when absent, `UMBRAL_CONFIG` names one (optional). */
  readonly file?: string;
  /** Environment variables (`process.env` by default). */
  readonly env?: NodeJS.ProcessEnv;
  /** Values from command-line flags, by dotted key (`server.port`). */
  readonly overrides?: Readonly<Record<string, unknown>>;
}

/**
 * Builds the server's configuration: defaults < YAML file < environment < flags. Every problem is
 * collected and thrown at once (UMBRAL_ERR_CONFIG_INVALID), each naming its key and source. The
 * result is deeply frozen.
 */
export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const problems: string[] = [];
  const file = sources.file ?? env.UMBRAL_CONFIG;
  const fromFile = file ? readYaml(file, problems) : {};
  const values: Record<string, unknown> = {};

  for (const [key, spec] of flattenSettings(SETTINGS)) {
    let value: unknown = spec.default;
    let origin = 'default';
    if (key in fromFile) [value, origin] = [fromFile[key], `${file}`];
    const raw = env[spec.env];
    if (raw !== undefined && raw !== '') [value, origin] = [fromEnv(raw, spec), spec.env];
    if (sources.overrides && key in sources.overrides) [value, origin] = [sources.overrides[key], 'command line'];
    const checked = spec.schema.safeParse(value);
    if (checked.success) values[key] = checked.data;
    else problems.push(`${key} (from ${origin}): ${checked.error.issues.map((i) => i.message).join('; ')}`);
    delete fromFile[key];
  }
  for (const unknown of Object.keys(fromFile)) problems.push(`${unknown} (from ${file}): unknown setting`);
  if (problems.length > 0) throw Errors.configInvalid(problems);
  const config = resolveDefaults(unflatten(values) as Config);
  problems.push(...checkConfig(config));
  if (problems.length > 0) throw Errors.configInvalid(problems);
  return deepFreeze(config);
}

function readYaml(file: string, problems: string[]): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    problems.push(`config file ${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return {};
  }
  try {
    const doc: unknown = parseYaml(text);
    if (doc === null || doc === undefined) return {};
    if (typeof doc !== 'object' || Array.isArray(doc)) {
      problems.push(`config file ${file}: must be a mapping of settings`);
      return {};
    }
    return flattenObject(doc as Record<string, unknown>);
  } catch (error) {
    problems.push(`config file ${file}: invalid YAML (${(error as Error).message.split('\n')[0]})`);
    return {};
  }
}

/** Environment values are strings: read them as the setting's default's type. */
function fromEnv(raw: string, spec: Setting<unknown>): unknown {
  switch (typeof spec.default) {
    case 'number': return raw.trim() === '' ? raw : Number(raw);
    case 'boolean': return raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : raw;
    default: return Array.isArray(spec.default) ? raw.split(',').map((item) => item.trim()).filter((item) => item !== '') : raw;
  }
}

function flattenObject(object: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      Object.assign(out, flattenObject(value as Record<string, unknown>, path));
    } else out[path] = value;
  }
  return out;
}

function unflatten(values: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(values)) {
    const keys = path.split('.');
    let node = root;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[keys[keys.length - 1] as string] = value;
  }
  return root;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
