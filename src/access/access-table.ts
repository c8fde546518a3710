import { PERMISSION_DOCS, PERMISSIONS, ROLE_PERMISSIONS, ROLES, type RouteAccess } from './permissions.js';

export const ACCESS_START = '<!-- access:start -->';
export const ACCESS_END = '<!-- access:end -->';

/** One route and what it needs. */
export interface AccessRow {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess;
}

/**
 * The README's permission matrix: roles against permissions, then every route with what it needs.
 * The access-matrix test renders it from the live route table and compares.
 */
export function renderAccessTables(routes: readonly AccessRow[]): string {
  const roles = ['| permission | allows | ' + ROLES.join(' | ') + ' |', `|---|---|${ROLES.map(() => '---').join('|')}|`,
    ...PERMISSIONS.map((permission) => `| \`${permission}\` | ${PERMISSION_DOCS[permission]} | ${
      ROLES.map((role) => (ROLE_PERMISSIONS[role].includes(permission) ? 'yes' : '—')).join(' | ')} |`)];
  const listed = routes
    .filter((route) => route.method !== 'HEAD' && route.method !== 'OPTIONS' && !route.url.startsWith('/docs'))
    .map((route) => `| \`${route.method} ${route.url}\` | ${route.access} |`);
  const unique = [...new Set(listed)].sort();
  return [...roles, '', '| route | needs |', '|---|---|', ...unique].join('\n');
}

/** The text between the README's markers. */
export function readAccessSection(readme: string): string {
  const start = readme.indexOf(ACCESS_START);
  const end = readme.indexOf(ACCESS_END);
  if (start < 0 || end < start) throw new Error(`README has no ${ACCESS_START} … ${ACCESS_END} markers`);
  return readme.slice(start + ACCESS_START.length, end).trim();
}
