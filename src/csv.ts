/**
 * One CSV cell, safe to open in a spreadsheet (OWASP "CSV Injection"): a text that starts with
 * `=`, `+`, `-`, `@`, a tab or a carriage return would run as a formula (`=HYPERLINK(...)` from an
 * override reason or a patient id), so it gets a leading `'`; a cell with a quote, a comma or a
 * line break is quoted, its quotes doubled. Numbers are written as they are.
 */
export function csvCell(v: string | number): string {
  if (typeof v === 'number') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A CSV line of cells. */
export const csvLine = (cells: (string | number)[]): string => cells.map(csvCell).join(',');
