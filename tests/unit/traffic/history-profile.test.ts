import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { generateTrace } from '../../../simulator/traffic/generate.js';
import { profileFromEvents } from '../../../simulator/traffic/history-profile.js';
import { validateScenario } from '../../../simulator/traffic/scenario.js';

// Monday 2026-01-05 00:00 in Paris (no daylight-saving change in the four weeks after).
const start = DateTime.fromISO('2026-01-05T00:00', { zone: 'Europe/Paris' }).toMillis();

describe('arrival profile from recorded events', () => {
  it('recovers the hourly and weekly shape and the daily volume of the traffic that made them', () => {
    const hourly = Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 20 ? 3 : 1));
    const r = validateScenario({
      seed: 5,
      hours: 28 * 24,
      arrivals: { callsPerDay: 2000, hourlyProfile: hourly, dayOfWeek: [1, 1, 1, 1, 1, 1.5, 1.5] },
      lines: { '15': 0.9, '116117': 0.1 },
      qualification: { P0: 0, P1: 0, P2: 0, DR: 1 },
      handlingSeconds: { n1: { dist: 'fixed', mean: 60 } },
    });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const calls = generateTrace(r.scenario);
    const events = calls.map((c, i) =>
      JSON.stringify(
        i % 2 === 0
          ? { type: 'CallArrived', at: start + c.arrivalS * 1000, callId: `c${i}`, line: c.line }
          : { event: { type: 'CallArrived', at: start + c.arrivalS * 1000, line: c.line } },
      ),
    );
    events.splice(3, 0, JSON.stringify({ type: 'CallEnded', at: start }));
    const p = profileFromEvents(events.join('\n'), { zone: 'Europe/Paris' });
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.profile.days).toBe(28);
    expect(p.profile.arrivals).toBe(calls.length);
    expect(Math.abs(p.profile.callsPerDay - 2000)).toBeLessThan((4 * Math.sqrt(2000 * 28)) / 28);
    const total = hourly.reduce((a, b) => a + b, 0);
    hourly.forEach((w, h) => expect(Math.abs(p.profile.hourlyProfile[h]! - w / total)).toBeLessThan(0.004));
    const want = [1, 1, 1, 1, 1, 1.5, 1.5].map((w) => w / (8 / 7));
    want.forEach((w, d) => expect(Math.abs(p.profile.dayOfWeek[d]! - w)).toBeLessThan(0.06));
    expect(p.profile.byDayAndQuarter).toHaveLength(7);
    expect(p.profile.byDayAndQuarter[0]).toHaveLength(96);
    expect(Math.abs(p.profile.lines['116117']! - 0.1)).toBeLessThan(0.01);
  });

  it('reports bad lines by number and returns no profile', () => {
    const r = profileFromEvents(
      ['{"type":"CallArrived","at":0}', 'nope', '{"type":"CallArrived","at":"x"}'].join('\n'),
    );
    expect(r).toEqual({
      ok: false,
      errors: [
        { line: 2, message: expect.stringMatching(/not valid JSON/) },
        { line: 3, message: expect.stringMatching(/numeric "at"/) },
      ],
    });
    expect(profileFromEvents('{"type":"CallEnded","at":1}').ok).toBe(false);
  });
});
