// The annex 3 report of a month or a year, as rows, and its CSV (header row, UTF-8, "," or ";")
// and JSON renderings. With ";" the decimal mark is "," for French spreadsheets. The CSV's labels
// are French (src/report/annex3-french.ts); its column names and the JSON stay as they were.
import { stringify } from 'csv-stringify/sync';
import { frenchLabel } from './annex3-french.js';
import type { Indicators } from '../core/indicators/accumulator.js';
import {
  table1,
  table3,
  table3Entries,
  type ImportedValue,
  type Table3Entry,
  type TableRow,
} from '../core/indicators/annex3.js';

export type ReportPeriod = { month: string } | { year: string };

export type Report = {
  site: { id: string; name: string };
  period: string;
  note: string;
  rows: TableRow[];
  /** A year's report: the annex's 23 items of table 3, each with its value in the annex's column. */
  table3?: Table3Entry[];
};

const NOTE =
  'SAS = SAS hours, PDSA = PDSA hours (by the period in force at the call arrival), 24h = both. ' +
  'Source "ACD" = computed by sas-acd from its events; "imported (…)" = imported, not computed. ' +
  'Table 3 items are the annex\'s (t3.1–t3.23); "telephony" and "mg-decisions" are computed, LRM items imported; ' +
  'the "table3" list gives each item\'s value in SAS hours (items 5 and 6: PDSA hours). ' +
  'DRM counts are "DRM opened at N1 (ACD)"; the LRM is their official source. Definitions: docs/indicators.md.';

export function buildReport(acc: Indicators, period: ReportPeriod, imports: ImportedValue[]): Report {
  const site = { id: acc.config.id, name: acc.config.name };
  if ('month' in period)
    return { site, period: period.month, note: NOTE, rows: table1(acc, period.month, imports) };
  const rows = table3(acc, period.year, imports);
  return { site, period: period.year, note: NOTE, rows, table3: table3Entries(rows) };
}

/** Rounds away float noise (0.1 + 0.2) without hiding precision anyone reads. */
const clean = (v: number | null) => (v === null ? null : Math.round(v * 1e6) / 1e6);

export function reportJson(r: Report): string {
  const rows = r.rows.map((x) => ({ ...x, sas: clean(x.sas), pdsa: clean(x.pdsa), h24: clean(x.h24) }));
  const table3 = r.table3?.map((x) => ({ ...x, value: clean(x.value) }));
  return `${JSON.stringify({ ...r, rows, ...(table3 ? { table3 } : {}) }, null, 2)}\n`;
}

export function reportCsv(r: Report, separator: ',' | ';' = ','): string {
  const num = (v: number | null) => {
    const c = clean(v);
    if (c === null) return '';
    return separator === ';' ? String(c).replace('.', ',') : String(c);
  };
  const header = ['table', 'item', 'label', 'period', 'sas', 'pdsa', '24h', 'source'];
  const rows = r.rows.map((x) => [
    x.table,
    x.item,
    frenchLabel(x, r.site.id),
    x.period,
    num(x.sas),
    num(x.pdsa),
    num(x.h24),
    x.source,
  ]);
  return stringify([header, ...rows], { delimiter: separator, record_delimiter: 'unix' });
}
