// The CSV reading shared by the annex 3 import and the operator's report (src/report/csv-table.ts).
import { describe, expect, it } from 'vitest';
import { readCsvTable } from '../../../src/report/csv-table.js';

const COLUMNS = ['month', 'number', 'calls'] as const;

describe('readCsvTable', () => {
  it('reads ";" or "," files with a BOM, quoted cells and their line numbers', () => {
    const semi = readCsvTable('\uFEFFMonth ; number;calls\n2026-03;"116;117";4,5\n\n2026-04;15;7\n', COLUMNS);
    expect(semi).toEqual({
      ok: true,
      rows: [
        { line: 2, cells: ['2026-03', '116;117', '4,5'] },
        { line: 4, cells: ['2026-04', '15', '7'] },
      ],
    });
    expect(readCsvTable('month,number,calls\n2026-03,15,"4\n2"\n2026-04,15,1\n', COLUMNS)).toEqual({
      ok: true,
      rows: [
        { line: 3, cells: ['2026-03', '15', '4\n2'] },
        { line: 4, cells: ['2026-04', '15', '1'] },
      ],
    });
  });

  it('names each row with another number of cells, and refuses a wrong header or unreadable CSV', () => {
    expect(readCsvTable('month;number;calls\n2026-03;15\n2026-03;15;1;x\n', COLUMNS)).toEqual({
      ok: true,
      rows: [
        { line: 2, error: 'line 2: expected 3 columns, got 2' },
        { line: 3, error: 'line 3: expected 3 columns, got 4' },
      ],
    });
    expect(readCsvTable('month;calls\n2026-03;1\n', COLUMNS)).toEqual({
      ok: false,
      errors: ['line 1: the header must be month,number,calls'],
    });
    expect(readCsvTable('', COLUMNS)).toEqual({
      ok: false,
      errors: ['line 1: the header must be month,number,calls'],
    });
    const bad = readCsvTable('month;number;calls\n2026-03;"15;1\n', COLUMNS);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]).toMatch(/^line \d+: Quote Not Closed/);
  });
});
