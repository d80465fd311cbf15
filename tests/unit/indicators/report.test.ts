// `sas-acd report` end to end on an exported JSON-lines event file: the annex 3 tables in CSV and
// JSON, imported values labelled as imported, a bad import file refused whole.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerReport } from '../../../src/cli/report.js';
import { TestSite } from '../core/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'sas-acd-report-'));
const events = join(dir, 'events.jsonl');
const imports = join(dir, 'base-zero.csv');

beforeAll(() => {
  // Monday 2 March 2026 10:00 Paris: two calls answered (0 s and 40 s), the second one a P2 advice.
  const s = new TestSite();
  s.login('arm-1', 'osnp-1', 'mrg-1');
  s.call('c1');
  s.call('c2');
  s.advance(40);
  s.ok({ type: 'hangUp', callId: 'c1', agentId: 'arm-1' }); // c2 goes to arm-1 after its 5 s wrap-up
  s.advance(5);
  s.ok({ type: 'qualifyCall', callId: 'c2', agentId: 'arm-1', qualification: 'P2' });
  s.ok({ type: 'transferCall', callId: 'c2', agentId: 'arm-1' });
  s.ok({ type: 'answerOffer', callId: 'c2', agentId: 'osnp-1' });
  s.ok({ type: 'hangUp', callId: 'c2', agentId: 'osnp-1', disposition: 'conseil-medical' });
  writeFileSync(events, s.log.map((e) => JSON.stringify(e)).join('\n') + '\n');
  writeFileSync(
    imports,
    'kind;period;item;scope;value;source\nbase-zero;2019-03;t1.1;24h;4210;Former PBX\nlrm;2026-03;t1.3-lrm;sas;2;LRM\n',
  );
});

async function report(...args: string[]) {
  const program = new Command().exitOverride();
  registerReport(program);
  await program.parseAsync(['report', ...args], { from: 'user' });
}

afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

describe('sas-acd report', () => {
  it('writes table 1 of a month as CSV with a header row, the base zéro and LRM values marked imported', async () => {
    const out = join(dir, 't1.csv');
    await report(
      '--events',
      events,
      '--month',
      '2026-03',
      '--separator',
      ';',
      '--out',
      out,
      '--base-zero',
      imports,
    );
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('table;item;label;period;sas;pdsa;24h;source');
    // 2 answered, 1 within 30 s (c2 waited 45 s): QS 0,5 with a decimal comma. French labels.
    expect(lines).toContain('table 1;t1.1;Appels décrochés par le SAS;2026-03;2;0;2;ACD');
    expect(lines).toContain(
      'table 1;t1.2;QS 30 s (décrochés en moins de 30 s / décrochés);2026-03;0,5;;0,5;ACD',
    );
    expect(lines).toContain('table 1;t1.3;DRM ouverts au niveau 1 (ACD);2026-03;1;0;1;ACD');
    expect(lines).toContain('table 1;t1.3-lrm;Total des DRM (LRM);2026-03;2;;;imported (lrm: LRM)');
    expect(lines).toContain('table 1;t1.4-lrm;DRM AMU (LRM);2026-03;;;;not available (LRM import slot)');
    expect(lines).toContain(
      'table 1 (quarterly item);t1.6;Conseils médicaux simples donnés par la régulation MG;2026-Q1;1;0;1;ACD',
    );
    expect(lines).toContain(
      'base zéro, table 1;t1.1;Appels décrochés par le SAS;2019-03;;;4210;imported (base-zero: Former PBX)',
    );
  });

  it('writes table 3 of a year as JSON', async () => {
    const out = join(dir, 't3.json');
    await report('--events', events, '--year', '2026', '--format', 'json', '--out', out);
    const r = JSON.parse(readFileSync(out, 'utf8')) as {
      period: string;
      rows: { item: string; label: string; h24: number }[];
      table3: { item: number; source: string; value: number | null; status: string }[];
    };
    expect(r.period).toBe('2026');
    // The JSON is an API: its labels stay as they were (the CSV's are French).
    expect(r.rows.find((x) => x.item === 'x.dr')?.label).toBe(
      'DR qualified at N1 (ACD), to reconcile with item 1 (LRM)',
    );
    expect(r.table3).toHaveLength(23);
    // Item 9: arm-1 talked 40 s on c1 and 0 s on c2 (qualified and sent on at its answer): 40 / 2 = 20 s.
    expect(r.table3[8]).toMatchObject({ item: 9, source: 'telephony', value: 20, status: 'computed' });
    expect(r.table3[0]).toMatchObject({
      item: 1,
      source: 'lrm-import',
      value: null,
      status: 'not-available',
    });
    // Item 2 (advice to go to the ED): none; c2's simple advice is table 1 item 6, not table 3.
    expect(r.table3[1]).toMatchObject({ item: 2, source: 'mg-decisions', value: 0, status: 'computed' });
    expect(r.rows.find((x) => x.item === 't3.9')!.h24).toBe(20);
  });

  it('refuses a bad import file whole, with the line number and the reason', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(
      bad,
      'kind,period,item,scope,value,source\nbase-zero,2019-03,t1.1,24h,4210,PBX\nbase-zero,2019,t1.1,all,1,PBX\n',
    );
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const out = join(dir, 'never.csv');
    await report('--events', events, '--month', '2026-03', '--base-zero', bad, '--out', out);
    expect(process.exitCode).toBe(2);
    expect(err.mock.calls[0]![0]).toContain('line 3: scope must be sas, pdsa or 24h, got "all"');
    expect(err.mock.calls[0]![0]).toContain('refused, nothing imported');
  });

  it('names the line of an event file that is not an event', async () => {
    const broken = join(dir, 'broken.jsonl');
    writeFileSync(broken, `${readFileSync(events, 'utf8')}{"oops": true}\n`);
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    await report('--events', broken, '--month', '2026-03', '--out', join(dir, 'x.csv'));
    expect(err.mock.calls[0]![0]).toMatch(/broken\.jsonl:\d+: not an engine event/);
  });
});

describe('sas-acd report --indicators', () => {
  it('exports every indicator of every span of the month as JSON, with the breakdowns', async () => {
    const out = join(dir, 'hours.json');
    await report('--events', events, '--indicators', 'hour', '--month', '2026-03', '--out', out);
    const r = JSON.parse(readFileSync(out, 'utf8')) as {
      granularity: string;
      spans: { span: string; sas: Record<string, unknown> & { breakdowns: Record<string, unknown> } }[];
    };
    expect(r.granularity).toBe('hour');
    const ten = r.spans.find((x) => x.span === '2026-03-02T10+01:00')!;
    expect(ten.sas['calls.answered']).toBe(2);
    expect(ten.sas.breakdowns['line']).toMatchObject({ '15': { 'calls.arrived': 2 } });
  });
});
