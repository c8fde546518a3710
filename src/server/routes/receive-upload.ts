import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { Errors } from '../../errors/catalogue.js';
import { isUmbralError, type UmbralError } from '../../errors/umbral-error.js';
import type { ArtifactStore, StoredArtifact } from '../../registry/artifact-store.js';
import { manifestSchema, type Manifest } from '../../model/manifest.js';
import { findTooDeep, TOO_DEEP } from '../../protocol/json-depth.js';
import { findUnstorableText } from '../../store/unstorable-text.js';

/** A version upload as received: the stored artifact and the form's other fields. */
export interface ReceivedUpload {
  readonly artifact: StoredArtifact;
  readonly manifest: Manifest;
  readonly alias?: string;
}

const FIELDS = new Set(['manifest', 'sha256', 'alias']);
const FORM = 'send multipart/form-data with its boundary, the model file in the field "artifact" and optionally the fields manifest, sha256, alias';

/**
 * Reads a multipart version upload: the file field `artifact` is streamed into the artifact store
 * (hashed on the way, checked against the `sha256` field when that came first, else right after);
 * `manifest` is JSON checked against the manifest schema. Unknown fields are refused.
 */
export async function receiveUpload(request: FastifyRequest, artifacts: ArtifactStore, maxBytes: number): Promise<ReceivedUpload> {
  if (!request.isMultipart()) throw Errors.unsupportedMediaType(String(request.headers['content-type'] ?? 'none'), 'multipart/form-data');
  const fields: Record<string, string> = {};
  let artifact: StoredArtifact | undefined;
  for await (const part of formParts(request)) {
    if (part.type === 'file') {
      if (part.fieldname !== 'artifact') throw Errors.invalidRequest(part.fieldname, 'unknown file field; send the model file as "artifact"');
      if (artifact) throw Errors.invalidRequest('artifact', 'send one artifact per version');
      const file = part.file;
      // A file cut at the size limit also fails its hash check: report the limit, the real cause. A file
      // whose stream failed was cut short by a malformed body (busboy destroys it with the parse error).
      artifact = await artifacts.put(file, fields.sha256).catch((error: unknown) => {
        if (file.truncated) throw Errors.artifactTooLarge(maxBytes);
        throw file.errored ? unreadableForm(file.errored) : error;
      });
      if (file.truncated) throw Errors.artifactTooLarge(maxBytes);
    } else {
      if (!FIELDS.has(part.fieldname)) throw Errors.invalidRequest(part.fieldname, `unknown field; the fields are artifact, ${[...FIELDS].join(', ')}`);
      fields[part.fieldname] = String(part.value);
    }
  }
  if (!artifact) throw Errors.invalidRequest('artifact', 'missing: send the model file in the multipart field "artifact"');
  if (fields.sha256 !== undefined && fields.sha256 !== artifact.sha256) throw Errors.artifactHashMismatch(fields.sha256, artifact.sha256);
  return { artifact, manifest: parseManifest(fields.manifest), alias: fields.alias };
}

/**
 * The parts of the form. What the multipart parser throws (no boundary, a boundary the body does not
 * use, a body cut short, a malformed part header, too many parts) is the client's: a 400 naming it.
 */
async function* formParts(request: FastifyRequest): AsyncGenerator<Multipart> {
  try {
    // request.parts() runs busboy's constructor, which throws at once on a missing boundary.
    for await (const part of request.parts()) yield part;
  } catch (error) {
    throw unreadableForm(error);
  }
}

function unreadableForm(error: unknown): UmbralError {
  if (isUmbralError(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return Errors.invalidRequest('body', `the multipart form cannot be read (${detail}); ${FORM}`);
}

function parseManifest(text: string | undefined): Manifest {
  let raw: unknown = {};
  if (text !== undefined && text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw Errors.manifestInvalid([`not JSON: ${(error as Error).message}`]);
    }
  }
  const deep = findTooDeep(raw, 'manifest');
  if (deep !== undefined) throw Errors.manifestInvalid([`${deep}: ${TOO_DEEP}`]);
  const unstorable = findUnstorableText(raw, 'manifest');
  if (unstorable) throw Errors.manifestInvalid([`${unstorable.path}: ${unstorable.problem}`]);
  const checked = manifestSchema.safeParse(raw);
  if (!checked.success) throw Errors.manifestInvalid(checked.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  return checked.data;
}
