// Calls the dialplan fallback answered while the ACD was away (rules/fallback.ts): counted once each
// as answered by the SAS, in QS 30 s, and apart as fallback calls; the same record read twice, or a
// call the ACD holds itself, never counts twice; bad records are refused and change nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/commands.js';
import { liveValues } from '../../../src/core/indicators/live.js';
import { indicate, valuesOf } from '../indicators/drive.js';
import { MONDAY_10H, TestSite } from './harness.js';

type Record = Extract<Command, { type: 'recordFallbackCall' }>;

/** A fallback call that arrived `ago` seconds before now and was answered `wait` seconds later. */
function record(s: TestSite, callId: string, ago: number, wait: number, extra: Partial<Record> = {}): Record {
  const arrivedAt = s.now - ago * 1000;
  return {
    type: 'recordFallbackCall',
    callId,
    line: '15',
    arrivedAt,
    answeredAt: arrivedAt + wait * 1000,
    phone: 'arm-1',
    ...extra,
  };
}

describe('calls answered by the dialplan fallback', () => {
  it('counts one as arrived and answered, in QS 30 s, labelled fallback, dated by its arrival', () => {
    const s = new TestSite();
    s.now += 3_600_000; // the ACD comes back an hour later
    const r = s.ok(record(s, '1796632452.1', 3000, 12));
    expect(r.effects).toEqual([]);
    expect(r.events).toEqual([
      {
        type: 'FallbackCallCounted',
        at: s.now,
        callId: '1796632452.1',
        line: '15',
        department: '44',
        originSite: '44',
        mode: 'two-level',
        period: 'sas',
        arrivedAt: s.now - 3_000_000,
        answeredAt: s.now - 3_000_000 + 12_000,
        sinceArrivalMs: 12_000,
        phone: 'arm-1',
      },
    ]);
    s.now += 600_000;
    s.ok(record(s, 'slow', 300, 45)); // 11:05, answered after 45 s: outside QS 30 s
    const v = valuesOf(indicate(s.state.data.config, s.log), 'day', '2026-03-02').all;
    expect(v['calls.arrived']).toBe(2);
    expect(v['calls.answered']).toBe(2);
    expect(v['calls.answeredWithin30s']).toBe(1);
    expect(v['calls.qs30']).toBe(0.5);
    expect(v['calls.fallbackAnswered']).toBe(2);
    expect(v['calls.fallbackAnsweredWithin30s']).toBe(1);
    // Dated by the arrival (10:10 Paris), not by the hour the ACD learnt of it.
    const hour = valuesOf(indicate(s.state.data.config, s.log), 'hour', '2026-03-02T10+01:00').all;
    expect(hour['calls.fallbackAnswered']).toBe(1);
  });

  it('adds to the ACD own calls: a fallback call and an ACD call make two answered calls', () => {
    const s = new TestSite();
    s.login('arm-1');
    s.call('acd-1'); // arm-1 answers at once (auto-answer)
    expect(s.events('CallConnected')).toHaveLength(1);
    s.now += 10_000;
    s.ok(record(s, 'fb-1', 60, 5));
    const acc = indicate(s.state.data.config, s.log);
    const v = valuesOf(acc, 'day', '2026-03-02').all;
    expect(v['calls.answered']).toBe(2);
    expect(v['calls.fallbackAnswered']).toBe(1);
    // The rolling live QS sees the late answer at its own time, beside the ACD's.
    expect(liveValues(acc, s.now)['live.qs30Last15min']).toBe(1);
  });

  it('counts a record read twice once (idempotent on the call id)', () => {
    const s = new TestSite();
    const rec = record(s, 'fb-1', 100, 8);
    s.ok(rec);
    const before = JSON.stringify(s.state.data);
    s.now += 5000;
    const again = s.ok(rec);
    expect(again.events).toEqual([]);
    expect(JSON.stringify(s.state.data)).toBe(before);
    const v = valuesOf(indicate(s.state.data.config, s.log), 'day', '2026-03-02').all;
    expect(v['calls.fallbackAnswered']).toBe(1);
    expect(v['calls.answered']).toBe(1);
  });

  it('refuses a record of a call the ACD holds itself: it is counted there, not twice', () => {
    const s = new TestSite();
    s.login('arm-1');
    s.call('chan-7');
    const before = JSON.stringify(s.state.data);
    expect(s.try(record(s, 'chan-7', 10, 2))).toMatchObject({ ok: false, reason: 'duplicate-call' });
    expect(JSON.stringify(s.state.data)).toBe(before);
  });

  it('refuses bad records and changes nothing', () => {
    const s = new TestSite();
    const before = JSON.stringify(s.state.data);
    const bad: [Partial<Record>, string][] = [
      [{ callId: '' }, 'bad-call-id'],
      [{ callId: 'x'.repeat(201) }, 'bad-call-id'],
      [{ line: '' }, 'bad-command'],
      [{ arrivedAt: Number.NaN }, 'bad-time'],
      [{ answeredAt: s.now - 200_000 }, 'bad-time'], // before its arrival
      [{ answeredAt: s.now + 3_600_000 }, 'bad-time'], // in the future
      [{ arrivedAt: s.now - 2 * 86_400_000, answeredAt: s.now }, 'bad-time'], // a two-day wait
      [{ phone: 42 as unknown as string }, 'bad-command'],
    ];
    for (const [patch, reason] of bad)
      expect(s.try({ ...record(s, 'fb-bad', 100, 5), ...patch }), JSON.stringify(patch)).toMatchObject({
        ok: false,
        reason,
      });
    expect(JSON.stringify(s.state.data)).toBe(before);
  });

  it('keeps the origin of a partner call and takes an unknown line as the first line', () => {
    const s = new TestSite();
    const partner = s.ok(record(s, 'fb-85', 50, 3, { originSite: '85' })).events[0]!;
    expect(partner).toMatchObject({ originSite: '85' });
    const odd = s.ok(record(s, 'fb-odd', 50, 3, { line: 'nowhere', originSite: 'not-a-partner' })).events[0]!;
    expect(odd).toMatchObject({ line: 'nowhere', department: '44', originSite: '44' });
  });

  it('forgets ids counted more than a week before, so the memory stays bounded', () => {
    const s = new TestSite();
    s.ok(record(s, 'old', 100, 5));
    s.now += 8 * 86_400_000;
    s.ok(record(s, 'new', 100, 5));
    expect(Object.keys(s.state.data.fallbackCalls ?? {})).toEqual(['new']);
  });

  it('never counts a call twice, whatever the order and repetition of records (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.integer({ min: 0, max: 6 }), wait: fc.integer({ min: 0, max: 90 }) }), {
          maxLength: 30,
        }),
        (reads) => {
          const s = new TestSite(undefined, MONDAY_10H);
          s.now += 3_600_000;
          for (const { id, wait } of reads) {
            s.now += 1000;
            s.ok(record(s, `fb-${id}`, 600, wait));
          }
          const distinct = new Set(reads.map((r) => r.id)).size;
          expect(s.events('FallbackCallCounted')).toHaveLength(distinct);
          const v = valuesOf(indicate(s.state.data.config, s.log), 'day', '2026-03-02').all;
          expect(v['calls.fallbackAnswered']).toBe(distinct);
          expect(v['calls.answered']).toBe(distinct);
          expect(v['calls.arrived']).toBe(distinct);
        },
      ),
      { numRuns: 60 },
    );
  });
});
