import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { agentsForServiceLevelC } from '../../../simulator/staffing/erlang-c.js';
import { computeHistoryPlan, UsageError } from '../../../src/cli/staff.js';

// Two weeks of recorded arrivals: 20 calls in each hour from 08:00 to 20:00, 4 at other hours.
function history(): string {
  const start = DateTime.fromISO('2026-01-05T00:00', { zone: 'Europe/Paris' });
  const events: string[] = [];
  for (let day = 0; day < 14; day++) {
    for (let h = 0; h < 24; h++) {
      const n = h >= 8 && h < 20 ? 20 : 4;
      for (let i = 0; i < n; i++) {
        const at = start.plus({ days: day, hours: h, seconds: (i * 3600) / n }).toMillis();
        events.push(JSON.stringify({ type: 'CallArrived', at, line: '15' }));
      }
    }
  }
  return events.join('\n');
}

describe('staff --from-history', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'sas-acd-history-')), 'events.jsonl');
  writeFileSync(file, history());
  const base = { threshold: '30', absenteeism: '0.1', hoursPerPost: '1607', fromHistory: file };

  it('sizes each hour of the week on its mean recorded arrivals', () => {
    const r = computeHistoryPlan({ ...base, aht: '120', target: '0.9' });
    expect(r.plan.intervals).toHaveLength(168);
    const busy = agentsForServiceLevelC({
      callsPerHour: 20,
      ahtSeconds: 120,
      thresholdSeconds: 30,
      target: 0.9,
    });
    const quiet = agentsForServiceLevelC({
      callsPerHour: 4,
      ahtSeconds: 120,
      thresholdSeconds: 30,
      target: 0.9,
    });
    expect(r.plan.intervals[10]!.callsPerHour).toBeCloseTo(20, 9); // Monday 10:00
    expect(r.plan.intervals[10]!.seats).toBe(busy.agents);
    expect(r.plan.intervals[24 * 6 + 3]!.seats).toBe(quiet.agents); // Sunday 03:00
    const seatHours = 7 * (12 * busy.agents + 12 * quiet.agents);
    expect(r.plan.fullTimePosts).toBeCloseTo((seatHours * 52.142857142857146) / 0.9 / 1607, 6);
  });

  it('needs a handling time and a target', () => {
    expect(() => computeHistoryPlan({ ...base, target: '0.9' })).toThrow(UsageError);
    expect(() => computeHistoryPlan({ ...base, aht: '120' })).toThrow(/--target/);
    expect(() =>
      computeHistoryPlan({ ...base, fromHistory: '/nonexistent', aht: '1', target: '0.9' }),
    ).toThrow(/cannot read/);
  });
});
