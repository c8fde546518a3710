import { readFileSync } from 'node:fs';
import { parse as parseYaml, stringify } from 'yaml';
import { Errors } from '../errors/catalogue.js';

/** The server's answer to GET/PUT/PATCH …/policy. */
export interface PolicyJson {
  readonly model?: string;
  readonly revision?: number;
  readonly policy?: Record<string, unknown>;
  readonly updatedBy?: string | null;
  readonly updatedAt?: string | null;
}

/** A policy file (YAML, or JSON, which YAML reads too): an object of model.yaml's policy keys. */
export function readPolicyFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw Errors.usage(`models policy: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return parseYaml(text) ?? {};
  } catch (error) {
    throw Errors.usage(`models policy: ${file} is not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
}

/** The policy as model.yaml would write it, under a line saying which revision it is. */
export function renderPolicy(document: PolicyJson): string {
  const revision = document.revision ?? 0;
  const header = revision === 0
    ? `# ${document.model ?? 'model'}: no policy set; every default applies`
    : `# ${document.model ?? 'model'}: policy revision ${revision}, by ${document.updatedBy ?? '?'} at ${document.updatedAt ?? '?'}`;
  const policy = document.policy ?? {};
  return Object.keys(policy).length === 0 ? header : `${header}\n${stringify(policy).trimEnd()}`;
}
