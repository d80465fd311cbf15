import { describe, expect, it } from 'vitest';
import { parseTrace } from '../../../simulator/traffic/trace-parse.js';
import { formatTrace } from '../../../simulator/traffic/trace-write.js';
import type { TraceCall } from '../../../simulator/traffic/trace.js';

const HEADER = 'arrival_s,line,caller,patience_s,n1_talk_s,qualification,n2_talk_s';

describe('trace parser', () => {
  it('reads the required columns; empty patience = never hangs up; n2 empty for P0 and DR', () => {
    const r = parseTrace(
      [HEADER, '0,15,0601020304,120,45,P1,200', '2.5,sdis,,,30,P0,', '10,15,0605060708,60,20,DR,'].join('\n'),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.calls).toHaveLength(3);
    expect(r.calls[0]).toEqual({
      arrivalS: 0,
      line: '15',
      caller: '0601020304',
      patienceS: 120,
      n1TalkS: 45,
      qualification: 'P1',
      n2TalkS: 200,
      regulationTalkS: null,
      bookingTalkS: null,
      department: null,
    });
    expect(r.calls[1]).toMatchObject({ caller: '', patienceS: null, qualification: 'P0', n2TalkS: null });
  });

  it('reads the optional columns in any order', () => {
    const r = parseTrace(
      [
        'department,qualification,arrival_s,line,caller,patience_s,n1_talk_s,n2_talk_s,regulation_talk_s,booking_talk_s',
        '75,P2,1,116117,x,90,30,120,240,180',
      ].join('\n'),
    );
    expect(r.ok && r.calls[0]).toMatchObject({ department: '75', regulationTalkS: 240, bookingTalkS: 180 });
  });

  it('reports every bad row with its line number and reason, and returns no calls', () => {
    const r = parseTrace(
      [
        HEADER,
        '0,15,a,120,45,P1,200', // line 2: fine
        '5,15,b,120,45,P3,200', // line 3: bad qualification
        '6,15,c,abc,45,P2,100', // line 4: bad patience
        '7,15,d,60,30,P0,100', // line 5: n2 on a P0
        '8,15,e,60,30,P2,', // line 6: n2 missing on a P2
        '', // an empty line is skipped, and still counted
        '4,15,f,60,30,DR,', // line 8: goes back in time
        '9,15,g,60,30', // line 9: too few fields
        '10,,h,60,-3,DR,', // line 10: no line, negative talk time
      ].join('\n'),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const at = (line: number) => r.errors.filter((e) => e.line === line).map((e) => e.message);
    expect(at(2)).toEqual([]);
    expect(at(3)).toEqual([
      expect.stringMatching(/qualification must be one of P0, P1, P2, DR \(got "P3"\)/),
    ]);
    expect(at(4)).toEqual([expect.stringMatching(/patience_s must be a number/)]);
    expect(at(5)).toEqual([expect.stringMatching(/n2_talk_s must be empty for P0/)]);
    expect(at(6)).toEqual([expect.stringMatching(/n2_talk_s is required for P2/)]);
    expect(at(8)).toEqual([expect.stringMatching(/before the previous row/)]);
    expect(at(9).join(' ')).toMatch(/expected 7 fields/);
    expect(at(10).join(' ')).toMatch(/line is required/);
    expect(at(10).join(' ')).toMatch(/n1_talk_s must be a number/);
    expect('calls' in r).toBe(false);
  });

  it('requires the header and names missing or unknown columns', () => {
    expect(parseTrace('')).toEqual({
      ok: false,
      errors: [{ line: 1, message: expect.stringMatching(/header/) }],
    });
    const missing = parseTrace('arrival_s,line,caller\n0,15,a');
    expect(!missing.ok && missing.errors[0]).toMatchObject({
      line: 1,
      message: expect.stringMatching(/missing column\(s\) patience_s, n1_talk_s, qualification, n2_talk_s/),
    });
    // A headerless file: its first row is read as a header, and rejected.
    const headerless = parseTrace('0,15,a,120,45,P1,200');
    expect(headerless.ok).toBe(false);
    const unknown = parseTrace(`${HEADER},colour\n0,15,a,120,45,P1,200,red`);
    expect(!unknown.ok && unknown.errors[0]?.message).toMatch(/unknown column "colour"/);
  });

  it("checks lines against the site's lines when given", () => {
    const r = parseTrace(`${HEADER}\n0,18,a,120,45,DR,`, { knownLines: ['15', 'sdis'] });
    expect(!r.ok && r.errors[0]).toMatchObject({
      line: 2,
      message: expect.stringMatching(/"18" is not one/),
    });
  });

  it('reports an unreadable CSV (unclosed quote) with a line', () => {
    const r = parseTrace(`${HEADER}\n0,15,"a,120,45,DR,\n`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.message).toMatch(/unreadable CSV/);
  });

  it('round-trips through the writer', () => {
    const calls: TraceCall[] = [
      {
        arrivalS: 1.25,
        line: '15',
        caller: 'a, "quoted"',
        patienceS: null,
        n1TalkS: 30.5,
        qualification: 'P2',
        n2TalkS: 100,
        regulationTalkS: 200.125,
        bookingTalkS: 90,
        department: '2A',
      },
      {
        arrivalS: 3,
        line: 'sdis',
        caller: '',
        patienceS: 60,
        n1TalkS: 20,
        qualification: 'DR',
        n2TalkS: null,
        regulationTalkS: null,
        bookingTalkS: null,
        department: null,
      },
    ];
    expect(parseTrace(formatTrace(calls))).toEqual({ ok: true, calls });
  });
});
