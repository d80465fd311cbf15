// Callers who hung up in the dialplan's wait for the ACD or in its fallback, before any answer
// (rules/fallback.ts recordFallbackAbandon): counted once each as arrived and abandoned, apart as
// fallback abandons; a record read twice, a call already counted as answered by the fallback, or a
// call the ACD holds never counts twice; bad records are refused and change nothing.
import { describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/commands.js';
import { indicate, valuesOf } from '../indicators/drive.js';
import { TestSite } from './harness.js';

type Abandon = Extract<Command, { type: 'recordFallbackAbandon' }>;

function abandon(
  s: TestSite,
  callId: string,
  ago: number,
  wait: number,
  extra: Partial<Abandon> = {},
): Abandon {
  const arrivedAt = s.now - ago * 1000;
  return {
    type: 'recordFallbackAbandon',
    callId,
    line: '15',
    arrivedAt,
    abandonedAt: arrivedAt + wait * 1000,
    ...extra,
  };
}

describe('callers who abandoned in the dialplan fallback', () => {
  it('counts one as arrived and abandoned (short under 5 s), labelled fallback, once', () => {
    const s = new TestSite();
    s.now += 3_600_000;
    const r = s.ok(abandon(s, '1796632452.3', 3000, 12, { originSite: '85' }));
    expect(r.events).toMatchObject([
      {
        type: 'FallbackCallAbandoned',
        callId: '1796632452.3',
        line: '15',
        originSite: '85',
        sinceArrivalMs: 12_000,
      },
    ]);
    s.ok(abandon(s, 'short', 300, 3));
    expect(s.ok(abandon(s, 'short', 300, 3)).events).toEqual([]); // read again: nothing more
    const v = valuesOf(indicate(s.state.data.config, s.log), 'day', '2026-03-02').all;
    expect(v['calls.arrived']).toBe(2);
    expect(v['calls.abandoned']).toBe(2);
    expect(v['calls.shortAbandoned']).toBe(1);
    expect(v['calls.fallbackAbandoned']).toBe(2);
    expect(v['calls.answered']).toBe(0);
  });

  it('never counts a call twice: answered in the fallback, or held by the ACD', () => {
    const s = new TestSite();
    const arrivedAt = s.now - 60_000;
    s.ok({
      type: 'recordFallbackCall',
      callId: 'fb-1',
      line: '15',
      arrivedAt,
      answeredAt: arrivedAt + 5000,
      phone: 'arm-1',
    });
    expect(s.ok(abandon(s, 'fb-1', 60, 20)).events).toEqual([]);
    s.login('arm-1');
    s.call('chan-7');
    const before = JSON.stringify(s.state.data);
    expect(s.try(abandon(s, 'chan-7', 10, 2))).toMatchObject({ ok: false, reason: 'duplicate-call' });
    expect(JSON.stringify(s.state.data)).toBe(before);
  });

  it('refuses bad records and changes nothing', () => {
    const s = new TestSite();
    const before = JSON.stringify(s.state.data);
    const bad: [Partial<Abandon>, string][] = [
      [{ callId: '' }, 'bad-call-id'],
      [{ line: '' }, 'bad-command'],
      [{ arrivedAt: Number.NaN }, 'bad-time'],
      [{ abandonedAt: s.now - 200_000 }, 'bad-time'],
      [{ abandonedAt: s.now + 3_600_000 }, 'bad-time'],
    ];
    for (const [patch, reason] of bad)
      expect(s.try({ ...abandon(s, 'fb-bad', 100, 5), ...patch }), JSON.stringify(patch)).toMatchObject({
        ok: false,
        reason,
      });
    expect(JSON.stringify(s.state.data)).toBe(before);
  });
});
