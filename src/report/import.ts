// Imported values for the official tables: the "base zéro" history (the 3 months before launch
// and the same months of 2019, from the former PBX's statistics or operator reports) and the
// items only the regulation software (LRM) holds. One CSV file (UTF-8, header row, "," or ";"):
//
//   kind;period;item;scope;value;source
//   base-zero;2019-03;t1.1;24h;4210;Former PBX statistics
//   base-zero;2019-03;t1.2;24h;0,87;Former PBX statistics
//   lrm;2026-03;t1.3-lrm;sas;1234;LRM monthly export
//
// A file with any bad line is refused whole: nothing is imported, and every bad line is named
// with its number and the reason.
import { TABLE_ITEMS, isImportSlot, type ImportedValue, type Scope } from '../core/indicators/annex3.js';
import { readCsvTable } from './csv-table.js';

export const IMPORT_COLUMNS = ['kind', 'period', 'item', 'scope', 'value', 'source'] as const;

/** The columns of the import file, for the data dictionary. */
export const IMPORT_FORMAT: Record<(typeof IMPORT_COLUMNS)[number], string> = {
  kind: '"base-zero" (history before the ACD: former PBX statistics, operator reports) or "lrm" (an item only the regulation software holds, for a month or year the ACD covers).',
  period: '"YYYY-MM" (month), "YYYY-Qn" (quarter) or "YYYY" (year).',
  item: 'A table item id: t1.1 … t1.6 and the LRM slots t1.3-lrm, t1.4-lrm, t1.5-lrm; t3.1 … t3.23 (the annex\'s numbers), of which the LRM slots t3.1 and t3.14 … t3.23; or a sas-acd figure x.*. "lrm" lines may only fill LRM slots.',
  scope: '"sas" (SAS hours), "pdsa" (PDSA hours) or "24h".',
  value: 'A non-negative number; "." or "," as the decimal mark; ratios (QS) between 0 and 1.',
  source: 'Where the value comes from (shown beside it in the report); required.',
};

export type ImportResult = { ok: true; values: ImportedValue[] } | { ok: false; errors: string[] };

const PERIOD = /^(\d{4})(-(0[1-9]|1[0-2])|-Q[1-4])?$/;
const NUMBER = /^\d+([.,]\d+)?$/;
const SCOPES: Scope[] = ['sas', 'pdsa', '24h'];

function checkLine(cells: string[], line: number, seen: Set<string>): ImportedValue | string {
  const [kind, period, itemId, scope, rawValue, source] = cells.map((c) => c.trim());
  if (kind !== 'base-zero' && kind !== 'lrm') return `kind must be "base-zero" or "lrm", got "${kind}"`;
  if (!period || !PERIOD.test(period)) return `period must be YYYY-MM, YYYY-Qn or YYYY, got "${period}"`;
  const it = TABLE_ITEMS.find((i) => i.id === itemId);
  if (!it) return `unknown item "${itemId}"`;
  if (kind === 'lrm' && !isImportSlot(it))
    return `item ${it.id} is computed by the ACD; "lrm" lines fill LRM slots only`;
  if (!SCOPES.includes(scope as Scope)) return `scope must be sas, pdsa or 24h, got "${scope}"`;
  if (!rawValue || !NUMBER.test(rawValue)) return `value must be a non-negative number, got "${rawValue}"`;
  const value = Number(rawValue.replace(',', '.'));
  if (it.unit === 'ratio' && value > 1) return `item ${it.id} is a ratio between 0 and 1, got ${rawValue}`;
  if (!source) return 'source is required (where the value comes from)';
  const key = `${kind}|${period}|${it.id}|${scope}`;
  if (seen.has(key)) return `duplicate value for ${kind} ${period} ${it.id} ${scope}`;
  seen.add(key);
  return { kind, period, item: it.id, scope: scope as Scope, value, source, line };
}

/** Parses an import file; refuses it whole (every bad line, with its number) when anything is wrong. */
export function parseImport(text: string): ImportResult {
  const table = readCsvTable(text, IMPORT_COLUMNS);
  if (!table.ok) return table;
  const errors: string[] = [];
  const values: ImportedValue[] = [];
  const seen = new Set<string>();
  for (const row of table.rows) {
    if ('error' in row) {
      errors.push(row.error);
      continue;
    }
    const r = checkLine(row.cells, row.line, seen);
    if (typeof r === 'string') errors.push(`line ${row.line}: ${r}`);
    else values.push(r);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, values };
}
