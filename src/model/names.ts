import { Errors } from '../errors/catalogue.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const DIGITS = /^[0-9]+$/;
const MAX_VERSION = 2_147_483_647;

/** Throws invalidName unless `name` is 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit. */
export function checkName(what: 'model' | 'alias' | 'tag' | 'job' | 'dataset', name: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) throw Errors.invalidName(what, String(name));
}

/** An alias is a name that is not all digits: `/models/m/versions/12` must mean version 12, never an alias. */
export function checkAliasName(alias: string): void {
  checkName('alias', alias);
  if (DIGITS.test(alias)) throw Errors.invalidName('alias (all digits would read as a version number)', alias);
}

/** Whether `version` can be a stored version number (a positive 32-bit integer). */
export function isVersionNumber(version: number): boolean {
  return Number.isInteger(version) && version > 0 && version <= MAX_VERSION;
}
