import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Channel secrets at rest: AES-256-GCM, a random 96-bit IV per secret, the channel's name as
 * additional authenticated data (a sealed secret copied onto another channel's row does not open).
 * Sealed form: `v1:<iv>:<tag>:<ciphertext>`, each part base64url.
 */
export class SecretBox {
  readonly #key: Buffer;

  /** `key`: 32 bytes (see `deriveSecretKey`). */
  constructor(key: Buffer) {
    if (key.length !== 32) throw new RangeError('a SecretBox key is 32 bytes');
    this.#key = key;
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join(':');
  }

  /** Throws when `sealed` was made with another key or context, or was altered. */
  open(sealed: string, context: string): string {
    const [version, iv, tag, body] = sealed.split(':');
    if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** The 32-byte key of a configured secret (any text of 32+ characters), through HKDF-SHA256. */
export function deriveSecretKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'umbral-notifications', 'channel secrets, aes-256-gcm', 32));
}
