import { File } from 'node:buffer';
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { TransformStream } from 'node:stream/web';
import { FormData } from 'undici';
import { AdminClient, modelPath } from './admin-client.js';
import { buildManifest } from './build-manifest.js';
import { ClientError } from './client-error.js';
import { hashFile } from '../registry/hash-file.js';
import type { ModelsAction } from './parse-models-args.js';
import { progressBar, type ProgressStream } from './progress-bar.js';
import { readManifestFile, readPushSource } from './read-push-source.js';

export type PushAction = Extract<ModelsAction, { name: 'push' }>;

/**
 * `umbral models push`: checks everything it can locally (the artifact, model.yaml, the manifest),
 * makes sure the model exists (creating it with `--create`), hashes the artifact, then uploads it
 * streamed from disk with the hash, so that the server verifies what it received. Resolves the
 * server's version document.
 */
export async function pushModel(client: AdminClient, action: PushAction, progressTo: ProgressStream): Promise<unknown> {
  const source = readPushSource(action.path);
  const manifest = buildManifest(source.config, action.manifestFile === undefined ? {} : readManifestFile(action.manifestFile));
  await ensureModel(client, action.model, action.create, manifest.description);

  let sha256 = action.sha256;
  if (sha256 === undefined) {
    const hashing = progressBar('hashing  ', source.size, progressTo);
    try {
      sha256 = await hashFile(source.artifactPath, (bytes) => hashing.advance(bytes));
    } finally {
      hashing.finish();
    }
  }

  const uploading = progressBar('uploading', source.size, progressTo);
  const form = new FormData();
  // Fields before the file: the server reads them before it streams the artifact.
  form.append('manifest', JSON.stringify(manifest));
  form.append('sha256', sha256);
  if (action.alias !== undefined) form.append('alias', action.alias);
  form.append('artifact', await countedFile(source.artifactPath, (bytes) => uploading.advance(bytes)));
  try {
    return await client.upload(modelPath(action.model, 'versions'), form);
  } finally {
    uploading.finish();
  }
}

async function ensureModel(client: AdminClient, model: string, create: boolean, description: string | undefined): Promise<void> {
  try {
    await client.json('GET', modelPath(model));
    return;
  } catch (error) {
    if (!(error instanceof ClientError) || error.code !== 'UMBRAL_ERR_MODEL_NOT_FOUND') throw error;
    if (!create) throw new ClientError(error.message, error.code, error.status, { cause: error, hint: 'pass --create to create the model' });
  }
  try {
    await client.json('POST', '/admin/models', description === undefined ? { name: model } : { name: model, description });
  } catch (error) {
    // Created meanwhile by someone else: fine, push into it.
    if (!(error instanceof ClientError) || error.code !== 'UMBRAL_ERR_MODEL_EXISTS') throw error;
  }
}

/**
 * The artifact as a form part read lazily from disk (`openAsBlob`): undici streams it through
 * `stream()`, which is where the bytes are counted for the progress bar.
 */
async function countedFile(path: string, onRead: (bytes: number) => void): Promise<File> {
  const blob = await openAsBlob(path);
  class CountedFile extends File {
    override stream() {
      return super.stream().pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          onRead(chunk.byteLength);
          controller.enqueue(chunk);
        },
      }));
    }
  }
  return new CountedFile([blob], basename(path), { type: 'application/octet-stream' });
}
