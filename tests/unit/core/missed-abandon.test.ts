// A caller who arrived and hung up while only a link no longer leading heard them
// (rules/fallback.ts recordMissedAbandon): one arrival and one abandon of the ACD (not of the
// fallback), dated by the PBX, never distributed; once per call id; a call the engine holds is left
// to the take-over; bad input refused and changes nothing; the log replays to the same state.
import { describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/commands.js';
import { evolve } from '../../../src/core/evolve.js';
import { initialState } from '../../../src/core/state.js';
import { indicate, valuesOf } from '../indicators/drive.js';
import { TestSite } from './harness.js';

type Missed = Extract<Command, { type: 'recordMissedAbandon' }>;

function missed(s: TestSite, callId: string, ago: number, wait: number, extra: Partial<Missed> = {}): Missed {
  const arrivedAt = s.now - ago * 1000;
  return {
    type: 'recordMissedAbandon',
    callId,
    line: '15',
    arrivedAt,
    abandonedAt: arrivedAt + wait * 1000,
    ...extra,
  };
}

describe('callers who came and went while only a deposed link heard them', () => {
  it('counts one arrival and one ACD abandon (short under 5 s), not a fallback one, and rings no one', () => {
    const s = new TestSite();
    s.login('arm-1', 'arm-2');
    const r = s.ok(missed(s, 'chan-late', 8, 3));
    expect(r.events).toMatchObject([
      { type: 'MissedCallAbandoned', callId: 'chan-late', line: '15', sinceArrivalMs: 3000 },
    ]);
    expect(r.events).toHaveLength(1);
    expect(r.effects).toEqual([]); // no agent rung, nothing for telephony
    expect(s.state.data.calls['chan-late']).toBeUndefined();
    expect(Object.values(s.state.data.agents).every((a) => a.callId === null)).toBe(true);
    s.ok(missed(s, 'chan-long', 60, 40));
    const v = valuesOf(indicate(s.state.data.config, s.log), 'day', '2026-03-02').all;
    expect(v['calls.arrived']).toBe(2);
    expect(v['calls.abandoned']).toBe(2);
    expect(v['calls.shortAbandoned']).toBe(1);
    expect(v['calls.fallbackAbandoned']).toBe(0);
    expect(v['calls.answered']).toBe(0);
  });

  it('is idempotent per call id: sent again, or already counted by the fallback, nothing more', () => {
    const s = new TestSite();
    s.ok(missed(s, 'chan-1', 10, 2));
    const before = JSON.stringify(s.state.data);
    expect(s.ok(missed(s, 'chan-1', 10, 2)).events).toEqual([]);
    expect(JSON.stringify(s.state.data)).toBe(before);
    const arrivedAt = s.now - 30_000;
    s.ok({
      type: 'recordFallbackAbandon',
      callId: 'fb-1',
      line: '15',
      arrivedAt,
      abandonedAt: arrivedAt + 5000,
    });
    expect(s.ok(missed(s, 'fb-1', 30, 5)).events).toEqual([]);
    // And the other way: a missed abandon is never counted again as a fallback abandon.
    expect(
      s.ok({
        type: 'recordFallbackAbandon',
        callId: 'chan-1',
        line: '15',
        arrivedAt,
        abandonedAt: arrivedAt + 1,
      }).events,
    ).toEqual([]);
    const v = valuesOf(indicate(s.state.data.config, s.log), 'day', '2026-03-02').all;
    expect(v['calls.arrived']).toBe(2);
    expect(v['calls.abandoned']).toBe(2);
    expect(v['calls.fallbackAbandoned']).toBe(1);
  });

  it('leaves a call the engine holds to the take-over (ignored, nothing changes)', () => {
    const s = new TestSite();
    s.call('chan-7'); // adopted by the take-over: it ends by its own hang-up
    const before = JSON.stringify(s.state.data);
    expect(s.ok(missed(s, 'chan-7', 10, 2)).events).toEqual([]);
    expect(JSON.stringify(s.state.data)).toBe(before);
    s.ok({ type: 'callerHungUp', callId: 'chan-7' });
    const v = valuesOf(indicate(s.state.data.config, s.log), 'day', '2026-03-02').all;
    expect(v['calls.arrived']).toBe(1);
    expect(v['calls.abandoned']).toBe(1);
  });

  it('refuses bad input and changes nothing', () => {
    const s = new TestSite();
    const before = JSON.stringify(s.state.data);
    const bad: [Partial<Missed>, string][] = [
      [{ callId: '' }, 'bad-call-id'],
      [{ callId: 'x'.repeat(201) }, 'bad-call-id'],
      [{ line: '' }, 'bad-command'],
      [{ arrivedAt: Number.NaN }, 'bad-time'],
      [{ abandonedAt: s.now - 200_000 }, 'bad-time'],
      [{ abandonedAt: s.now + 3_600_000 }, 'bad-time'],
      [{ department: 12 as unknown as string }, 'bad-command'],
    ];
    for (const [patch, reason] of bad)
      expect(s.try({ ...missed(s, 'bad', 100, 5), ...patch }), JSON.stringify(patch)).toMatchObject({
        ok: false,
        reason,
      });
    expect(JSON.stringify(s.state.data)).toBe(before);
  });

  it('keeps a department of the site, else the line’s; the origin of a known partner', () => {
    const s = new TestSite();
    const dep = s.state.data.config.departments.at(-1)!;
    const [a] = s.ok(missed(s, 'c-dep', 10, 2, { department: dep })).events;
    expect(a).toMatchObject({ department: dep });
    const [b] = s.ok(missed(s, 'c-bad', 10, 2, { department: 'nowhere', originSite: 'nowhere' })).events;
    const line = s.state.data.config.lines.find((l) => l.id === '15')!;
    expect(b).toMatchObject({
      department: line.department,
      originSite: line.originSite ?? s.state.data.config.id,
    });
  });

  it('replays from the event log to the same state', () => {
    const s = new TestSite();
    s.login('arm-1');
    s.call('chan-a');
    s.ok(missed(s, 'chan-b', 20, 4));
    s.advance(30);
    s.ok(missed(s, 'chan-c', 5, 1));
    s.ok({ type: 'callerHungUp', callId: 'chan-a' });
    const replayed = initialState(s.state.data.config);
    for (const e of s.log) evolve(replayed, e);
    expect(replayed.data).toEqual(s.state.data);
    expect(Object.keys(replayed.data.fallbackCalls ?? {}).sort()).toEqual(['chan-b', 'chan-c']);
  });
});
