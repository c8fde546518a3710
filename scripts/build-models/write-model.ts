import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { BuiltModel } from './built-model.js';

/** Writes `<repository>/<name>/model.yaml` and `<repository>/<name>/<version>/model.onnx`; returns both paths. */
export async function writeModel(repositoryDir: string, model: BuiltModel): Promise<string[]> {
  const modelDir = join(repositoryDir, model.name);
  const versionDir = join(modelDir, String(model.version));
  await mkdir(versionDir, { recursive: true });
  const onnxPath = join(versionDir, 'model.onnx');
  const yamlPath = join(modelDir, 'model.yaml');
  await writeFile(onnxPath, model.onnx);
  await writeFile(yamlPath, stringify(model.config, { lineWidth: 0 }));
  return [yamlPath, onnxPath];
}
