import { dictionary } from '@zxcvbn-ts/language-common';
import { Errors } from '../errors/catalogue.js';

/** Longer passwords are refused: nothing a person or a password manager makes needs more. */
export const PASSWORD_MAX_LENGTH = 256;

/** Below this many characters, a username is not looked for inside the password. */
const USERNAME_MIN_SEARCH_LENGTH = 3;

/** What a password is checked against besides itself. */
export interface PasswordRules {
  /** Fewest characters (Unicode code points) accepted; `auth.passwordMinLength`. */
  readonly minLength: number;
  /** The account's username; a password equal to it or containing it is refused. */
  readonly username: string;
}

let common: ReadonlySet<string> | undefined;

/** The 49k-entry common-password list, lower-cased, built on first use rather than at import. */
function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(dictionary['passwords-common'].map((entry) => entry.toLowerCase()));
  return common;
}

/**
 * Checks a new password against NIST SP 800-63B's rules: long enough, not absurdly long, not a
 * known common password, not the username, not one character repeated. Throws
 * `Errors.weakPassword` with what to fix; returns nothing when the password is acceptable.
 */
export function checkPassword(password: string, rules: PasswordRules): void {
  const problem = passwordProblem(password, rules);
  if (problem !== undefined) throw Errors.weakPassword(problem);
}

function passwordProblem(password: string, { minLength, username }: PasswordRules): string | undefined {
  const length = [...password].length;
  if (length < minLength) return `it has ${length} characters; use at least ${minLength} (a passphrase of a few words is easy to remember)`;
  if (length > PASSWORD_MAX_LENGTH) return `it has ${length} characters; use at most ${PASSWORD_MAX_LENGTH}`;
  if (/^(.)\1*$/su.test(password)) return 'it is one character repeated; use a mix of characters or words';
  const lower = password.toLowerCase();
  const name = username.toLowerCase();
  if ([...name].length >= USERNAME_MIN_SEARCH_LENGTH && lower.includes(name)) {
    return 'it contains the username; choose one that does not';
  }
  if (commonPasswords().has(lower)) return 'it is on a list of commonly used passwords; choose a less predictable one';
  return undefined;
}
