import { Errors } from '../errors/catalogue.js';
import type { Manifest } from '../model/manifest.js';
import { CHAMPION, type AuditDetail, type ModelRecord, type Registry } from '../registry/registry.js';

type Tensor = NonNullable<Manifest['inputs']>[number];

/**
 * How a candidate version's signature differs from the serving version's, one sentence a
 * difference (empty when clients of the serving version can call the candidate unchanged):
 * - an input missing, added, or of another datatype or shape;
 * - an output missing, or of another datatype or shape (an added output harms no client: none asks for it);
 * - a shape fits when it has as many dimensions and each dimension agrees, -1 (any size) agreeing with any.
 * A side whose manifest lists no inputs (or outputs), as a remote model's may, has nothing to compare.
 */
export function signatureDifferences(candidate: Manifest, serving: Manifest): string[] {
  return [
    ...compare('input', candidate.inputs, serving.inputs, true),
    ...compare('output', candidate.outputs, serving.outputs, false),
  ];
}

function compare(kind: 'input' | 'output', candidate: readonly Tensor[] | undefined, serving: readonly Tensor[] | undefined, addedMatters: boolean): string[] {
  if (candidate === undefined || serving === undefined) return [];
  const differences: string[] = [];
  const byName = new Map(candidate.map((tensor) => [tensor.name, tensor]));
  for (const before of serving) {
    const after = byName.get(before.name);
    if (after === undefined) {
      differences.push(`${kind} '${before.name}' is missing`);
      continue;
    }
    if (before.datatype !== undefined && after.datatype !== undefined && before.datatype !== after.datatype) {
      differences.push(`${kind} '${before.name}' is ${after.datatype}, not ${before.datatype}`);
    }
    if (before.shape !== undefined && after.shape !== undefined && !shapesFit(after.shape, before.shape)) {
      differences.push(`${kind} '${before.name}' has shape [${after.shape.join(', ')}], not [${before.shape.join(', ')}]`);
    }
  }
  if (addedMatters) {
    const known = new Set(serving.map(({ name }) => name));
    for (const { name } of candidate) if (!known.has(name)) differences.push(`${kind} '${name}' is new (clients do not send it)`);
  }
  return differences;
}

function shapesFit(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, i) => size === -1 || b[i] === -1 || size === b[i]);
}

/** An admin's override of a safeguard: why, recorded in the audit log with what it overrode. */
export interface Force {
  readonly reason: string;
}

/**
 * Refuses (409, UMBRAL_ERR_SIGNATURE_MISMATCH, each difference named) to make `version` the
 * model's `champion` when its signature differs from the champion's now, unless forced; a forced
 * move returns the audit detail to record with it. Other aliases do not serve clients by default.
 */
export async function checkServingSignature(
  registry: Registry, model: ModelRecord, version: number | undefined, alias: string, force?: Force,
): Promise<AuditDetail | undefined> {
  const serving = model.aliases[CHAMPION];
  if (alias !== CHAMPION || version === undefined || serving === undefined || serving === version) return undefined;
  const [candidate, current] = await Promise.all([registry.getVersion(model.name, version), registry.getVersion(model.name, serving)]);
  if (!candidate || !current) return undefined; // the caller reports a missing version
  const differences = signatureDifferences(candidate.manifest, current.manifest);
  if (differences.length === 0) return undefined;
  if (!force) throw Errors.signatureMismatch(model.name, version, alias, serving, differences);
  return { forced: { reason: force.reason, check: 'signature', serving, differences } };
}
