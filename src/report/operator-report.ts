// The operator's monthly report (the calls the network addressed to the site's numbers) beside
// what the ACD saw: calls presented to the platform (arrived) and answered, per month and number,
// and the gap (calls addressed that never reached the platform: trunk full, network losses,
// hang-ups before the PBX). One CSV file (UTF-8, header row, ";" or ","):
//
//   month;number;calls;source
//   2026-03;15;4210;Orange, relevé mensuel
//   2026-03;116 117;812;Orange, relevé mensuel
//
// A number is one of the site's lines (spaces and dots ignored: "116 117" is line 116117). A file
// with any bad line is refused whole, every bad line named with its number and the reason.
import type { SiteConfig } from '../core/config.js';
import type { Figures } from '../core/indicators/figures.js';
import { readCsvTable } from './csv-table.js';

export const OPERATOR_COLUMNS = ['month', 'number', 'calls', 'source'] as const;
export const MAX_OPERATOR_ROWS = 1_000;

export type OperatorRow = { month: string; line: string; number: string; calls: number; source: string };

export type OperatorReconciliation = OperatorRow & {
  presented: number;
  answered: number;
  /** calls − presented: addressed to the number, never presented to the platform. */
  gap: number;
  /** gap / calls; null when the operator counted none. */
  gapShare: number | null;
  /** answered / calls: the share of the calls addressed that a SAS agent answered. */
  answeredShare: number | null;
};

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function parseOperatorReport(
  text: string,
  config: SiteConfig,
): { ok: true; rows: OperatorRow[] } | { ok: false; errors: string[] } {
  const table = readCsvTable(text, OPERATOR_COLUMNS);
  if (!table.ok) return table;
  const data = table.rows;
  if (data.length === 0) return { ok: false, errors: ['the file has no data line'] };
  if (data.length > MAX_OPERATOR_ROWS)
    return { ok: false, errors: [`at most ${MAX_OPERATOR_ROWS} lines per file, got ${data.length}`] };
  const lines = new Set(config.lines.map((l) => l.id));
  const errors: string[] = [];
  const rows: OperatorRow[] = [];
  const seen = new Set<string>();
  for (const row of data) {
    const at = `line ${row.line}`;
    if ('error' in row) {
      errors.push(row.error);
      continue;
    }
    const [month, number, calls, source] = row.cells.map((c) => c.trim()) as [string, string, string, string];
    const line = number.replace(/[\s.]/g, '');
    if (!MONTH.test(month)) errors.push(`${at}: month must be YYYY-MM, got "${month}"`);
    else if (!lines.has(line))
      errors.push(`${at}: "${number}" is none of the site's lines (${[...lines].join(', ')})`);
    else if (!/^\d{1,9}$/.test(calls)) errors.push(`${at}: calls must be a whole number, got "${calls}"`);
    else if (!source) errors.push(`${at}: source is required (where the figure comes from)`);
    else if (seen.has(`${month}|${line}`)) errors.push(`${at}: a second figure for ${number} in ${month}`);
    else {
      seen.add(`${month}|${line}`);
      rows.push({ month, line, number, calls: Number(calls), source });
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rows };
}

/** One row beside the month's figures (all hours) from the history. */
export function reconcileOperatorRow(row: OperatorRow, month: Figures): OperatorReconciliation {
  const c = month.byDimension.get(`line:${row.line}`);
  const presented = c?.arrived ?? 0;
  const answered = c?.answered ?? 0;
  const gap = row.calls - presented;
  return {
    ...row,
    presented,
    answered,
    gap,
    gapShare: row.calls > 0 ? gap / row.calls : null,
    answeredShare: row.calls > 0 ? answered / row.calls : null,
  };
}
