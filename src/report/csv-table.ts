// The reading both uploaded CSV files share (the annex 3 import, the operator's monthly report):
// UTF-8 with or without a BOM, a header row naming fixed columns, ";" or "," as separator. Parsed
// by csv-parse (quotes, embedded separators and line numbers handled by a well-kept library);
// each caller checks its own cells.
import { parse } from 'csv-parse/sync';

/** A data row with its line number in the file (a quoted cell may span lines). */
export type CsvRow = { line: number; cells: string[] } | { line: number; error: string };

export type CsvTable = { ok: true; rows: CsvRow[] } | { ok: false; errors: string[] };

/**
 * Reads `text` as a table with exactly `columns` (header compared trimmed, case-insensitive).
 * A row with another number of cells comes back with its error, so the caller names every bad
 * line; a file csv-parse cannot read, or a wrong header, is one error.
 */
export function readCsvTable(text: string, columns: readonly string[]): CsvTable {
  const body = text.replace(/^\uFEFF/, '');
  // The header row decides the separator, so "," can be the decimal mark of a ";" file.
  const delimiter = (body.split('\n', 1)[0] ?? '').includes(';') ? ';' : ',';
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(body, {
      delimiter,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    const e = err as Error & { lines?: number };
    return { ok: false, errors: [`line ${e.lines ?? '?'}: ${e.message}`] };
  }
  const [header, ...data] = records;
  const wanted = columns.join(',');
  if (!header || header.record.map((c) => c.trim().toLowerCase()).join(',') !== wanted)
    return { ok: false, errors: [`line ${header?.info.lines ?? 1}: the header must be ${wanted}`] };
  const rows = data.map(({ record, info }): CsvRow =>
    record.length === columns.length
      ? { line: info.lines, cells: record }
      : {
          line: info.lines,
          error: `line ${info.lines}: expected ${columns.length} columns, got ${record.length}`,
        },
  );
  return { ok: true, rows };
}
