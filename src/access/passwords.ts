import { Algorithm, hash, parseOptions, verify, type Options } from '@node-rs/argon2';

/**
 * argon2id with OWASP's first recommended configuration (Password Storage Cheat Sheet):
 * m = 19456 KiB (19 MiB), t = 2 passes, p = 1 lane. The salt (16 random bytes) and these
 * parameters are stored in the PHC string the hash returns.
 */
export const PASSWORD_HASH_OPTIONS: Readonly<Options> = Object.freeze({
  algorithm: Algorithm.Argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

/**
 * Verification runs with the parameters written in the stored hash, so a corrupted or planted row
 * with `m=4294967295` would allocate terabytes and kill the process; anything above these ceilings
 * is a hash this server never wrote and is refused without running argon2.
 */
const CEILING = { memoryCost: 65_536, timeCost: 10, parallelism: 4 } as const;

/**
 * The hash of a random password nobody knows, with the parameters above (a test keeps the two in
 * step), so that a login for an unknown user does the same argon2 work as a wrong password.
 */
export const DUMMY_PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$uV7nYmOHbI9QP43+7KsD5w$JgE8IoImoyEXqcct6EmJQb9xOyMPpElUV1juR8AjCOs';

/** Hashes a password for storage: an argon2id PHC string with its own random salt. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, PASSWORD_HASH_OPTIONS);
}

/**
 * Whether the password matches the stored hash. A malformed hash, one not of argon2id, or one whose
 * parameters exceed what this server writes gives false; it never throws.
 */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  if (!withinCeiling(storedHash)) return false;
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

/**
 * Runs one verification of the same cost against a fixed dummy hash and answers false: call it when
 * the user is unknown so that the answer takes as long as for a wrong password (no enumeration of
 * usernames by timing).
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  await verifyPassword(DUMMY_PASSWORD_HASH, password);
  return false;
}

function withinCeiling(storedHash: string): boolean {
  try {
    const options = parseOptions(storedHash);
    return options.algorithm === Algorithm.Argon2id
      && options.memoryCost <= CEILING.memoryCost
      && options.timeCost <= CEILING.timeCost
      && options.parallelism <= CEILING.parallelism;
  } catch {
    return false;
  }
}
