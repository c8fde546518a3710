import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Opaque credentials (`umb_<id>_<secret>` API keys, `urt_<id>_<secret>` refresh tokens): the id is
 * public and finds the record, the secret is 256 random bits of which only a SHA-256 is stored. A
 * slow hash (argon2) buys nothing for a secret that cannot be guessed, and would cost on every request.
 */
export type SecretPrefix = 'umb' | 'urt';

export interface GeneratedSecret {
  /** Public lookup id (16 base62-ish characters). */
  readonly id: string;
  /** The whole credential, shown once to its owner and never stored. */
  readonly text: string;
  /** SHA-256 of the secret part, hex: what the database keeps. */
  readonly sha256: string;
}

const ID_BYTES = 12;
const SECRET_BYTES = 32;

export function generateSecret(prefix: SecretPrefix): GeneratedSecret {
  const id = publicId();
  const secret = base64url(randomBytes(SECRET_BYTES));
  return { id, text: `${prefix}_${id}_${secret}`, sha256: sha256Hex(secret) };
}

/** Splits a credential of the given kind into id and secret; undefined when it is not one. */
const SHAPES: Readonly<Record<SecretPrefix, RegExp>> = {
  umb: /^umb_([A-Za-z0-9-]{16})_([A-Za-z0-9-]{43})$/,
  urt: /^urt_([A-Za-z0-9-]{16})_([A-Za-z0-9-]{43})$/,
};

export function parseSecret(text: string, prefix: SecretPrefix): { id: string; secret: string } | undefined {
  const match = SHAPES[prefix].exec(text);
  return match ? { id: match[1] as string, secret: match[2] as string } : undefined;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Compares two hex digests in time independent of where they differ. */
export function safeEqualHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/**
 * A public id that never starts with `-`, so that it can follow a command on a command line
 * (`umbral keys revoke <id>`) without being read as an option.
 */
function publicId(): string {
  for (;;) {
    const id = base64url(randomBytes(ID_BYTES));
    if (!id.startsWith('-')) return id;
  }
}

/** base64url without `_`, so that `_` can separate the parts of a credential. */
function base64url(bytes: Buffer): string {
  return bytes.toString('base64url').replaceAll('_', '-');
}
