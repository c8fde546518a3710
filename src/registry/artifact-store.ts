/** What `put` stored: the artifact's content address and its size. */
export interface StoredArtifact {
  /** Hex sha256 of the bytes: the artifact's name in the store. */
  readonly sha256: string;
  /** Size in bytes. */
  readonly size: number;
}

/**
 * Where version artifacts live, addressed by the sha256 of their bytes: the same bytes are stored
 * once, and a stored artifact never changes.
 */
export interface ArtifactStore {
  /**
   * Streams `source` into the store, hashing it on the way, and resolves to its address and size.
   * When `expectedSha256` is given and the bytes hash differently, rejects with
   * UMBRAL_ERR_ARTIFACT_HASH_MISMATCH and stores nothing. Storing bytes already present is a no-op.
   */
  put(source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream, expectedSha256?: string): Promise<StoredArtifact>;
  /** The local file path of the artifact with this sha256 (whether or not it is stored). */
  path(sha256: string): string;
  /** Whether the artifact with this sha256 is stored. */
  has(sha256: string): Promise<boolean>;
}
