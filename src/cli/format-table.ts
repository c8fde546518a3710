/**
 * Aligned columns for people: each column as wide as its widest cell, two spaces between columns, no
 * trailing spaces. Control characters in cells (newlines, terminal escapes from server data) become
 * spaces so that one row stays one line.
 */
export function formatTable(rows: ReadonlyArray<readonly string[]>, header?: readonly string[]): string {
  const all = (header ? [header, ...rows] : rows).map((row) => row.map(clean));
  const widths: number[] = [];
  for (const row of all) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, width(cell)); });
  return all
    .map((row) => row.map((cell, i) => cell + ' '.repeat((widths[i] ?? 0) - width(cell))).join('  ').trimEnd())
    .join('\n');
}

function clean(cell: string): string {
  // eslint-disable-next-line no-control-regex
  return cell.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

/** Width in code points (wide East Asian characters are counted as one). */
function width(cell: string): number {
  return [...cell].length;
}
