// The import file (base zéro history and LRM-only items): a good file is read whole, a bad one is
// refused whole with each bad line's number and reason.
import { describe, expect, it } from 'vitest';
import { parseImport } from '../../../src/report/import.js';

describe('the import file', () => {
  it('reads a good file, with ";" and decimal commas, keeping each value\'s line and source', () => {
    const r = parseImport(
      '\uFEFFkind;period;item;scope;value;source\n' +
        'base-zero;2019-03;t1.1;24h;4210;Former PBX statistics\n' +
        '\n' +
        'base-zero;2019-03;t1.2;24h;0,87;Former PBX statistics\n' +
        'lrm;2026-03;t1.3-lrm;sas;1234;LRM monthly export\n',
    );
    expect(r).toEqual({
      ok: true,
      values: [
        {
          kind: 'base-zero',
          period: '2019-03',
          item: 't1.1',
          scope: '24h',
          value: 4210,
          source: 'Former PBX statistics',
          line: 2,
        },
        {
          kind: 'base-zero',
          period: '2019-03',
          item: 't1.2',
          scope: '24h',
          value: 0.87,
          source: 'Former PBX statistics',
          line: 4,
        },
        {
          kind: 'lrm',
          period: '2026-03',
          item: 't1.3-lrm',
          scope: 'sas',
          value: 1234,
          source: 'LRM monthly export',
          line: 5,
        },
      ],
    });
  });

  it('refuses a bad file whole, naming every bad line with its number and reason', () => {
    const r = parseImport(
      'kind,period,item,scope,value,source\n' +
        'base-zero,2019-03,t1.1,24h,4210,PBX\n' +
        'base-zero,2019-13,t1.1,24h,4210,PBX\n' +
        'base-zero,2019-04,t9.9,24h,1,PBX\n' +
        'lrm,2026-03,t1.1,sas,5,LRM\n' +
        'base-zero,2019-04,t1.2,sas,87,PBX\n' +
        'base-zero,2019-04,t1.1,24h,-3,PBX\n' +
        'base-zero,2019-03,t1.1,24h,4210,PBX again\n' +
        'base-zero,2019-05,t1.1,24h,12,\n' +
        'base-zero,2019-05,t1.1,24h\n',
    );
    expect(r).toEqual({
      ok: false,
      errors: [
        'line 3: period must be YYYY-MM, YYYY-Qn or YYYY, got "2019-13"',
        'line 4: unknown item "t9.9"',
        'line 5: item t1.1 is computed by the ACD; "lrm" lines fill LRM slots only',
        'line 6: item t1.2 is a ratio between 0 and 1, got 87',
        'line 7: value must be a non-negative number, got "-3"',
        'line 8: duplicate value for base-zero 2019-03 t1.1 24h',
        'line 9: source is required (where the value comes from)',
        'line 10: expected 6 columns, got 4',
      ],
    });
  });

  it('refuses a file without the expected header, or that is not CSV', () => {
    expect(parseImport('period;value\n2019-03;4\n')).toEqual({
      ok: false,
      errors: ['line 1: the header must be kind,period,item,scope,value,source'],
    });
    const r = parseImport('kind;period;item;scope;value;source\n"base-zero;2019-03;t1.1;24h;1;x\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(/^line 2: Quote Not Closed/);
  });
});
