import { describe, expect, it } from 'vitest';
import { agentsForServiceLevelC } from '../../../simulator/staffing/erlang-c.js';
import { planStaffing } from '../../../simulator/staffing/plan.js';
import { fullTimePosts24x7, rosteredAgents } from '../../../simulator/staffing/posts.js';
import { callsWithRetrials } from '../../../simulator/staffing/retrial-load.js';

describe('full-time posts and absenteeism', () => {
  it('one seat around the clock is 8,760 / 1,607 ≈ 5.45 posts', () => {
    expect(fullTimePosts24x7(1, 0)).toBeCloseTo(8760 / 1607, 12);
    expect(fullTimePosts24x7(1, 0, 1500)).toBeCloseTo(5.84, 12);
  });

  it('absenteeism raises the roster: seats / (1 − share), rounded up', () => {
    expect(rosteredAgents(6, 0)).toBe(6);
    expect(rosteredAgents(6, 0.25)).toBe(8);
    expect(rosteredAgents(6, 0.12)).toBe(7);
    expect(fullTimePosts24x7(2, 0.2)).toBeCloseTo((2 * 8760) / 0.8 / 1607, 12);
    expect(() => rosteredAgents(6, 1)).toThrow(/absenteeism/);
  });
});

describe('retrials', () => {
  it('add a geometric series of repeat calls', () => {
    expect(callsWithRetrials(100, 0.2, { probability: 0.5 })).toBeCloseTo(100 / 0.9, 10);
    expect(callsWithRetrials(100, 0.2, { probability: 0.5, maxAttempts: 2 })).toBeCloseTo(110, 10);
    expect(callsWithRetrials(100, 0, { probability: 1 })).toBe(100);
  });
});

describe('per-interval plan', () => {
  const day = Array.from({ length: 24 }, (_, h) => ({
    callsPerHour: 20 + 10 * Math.sin((h / 24) * Math.PI) ** 2 * 8,
    ahtSeconds: 120,
  }));

  it('sizes every interval like the single-interval search and totals the posts', () => {
    const plan = planStaffing(day, { thresholdSeconds: 30, target: 0.9, absenteeism: 0.1 });
    expect(plan.model).toBe('erlang-c');
    plan.intervals.forEach((iv, h) => {
      const alone = agentsForServiceLevelC({ ...day[h]!, thresholdSeconds: 30, target: 0.9 });
      expect(iv.seats).toBe(alone.agents);
      expect(iv.serviceLevel).toBeGreaterThanOrEqual(0.9);
      expect(iv.rostered).toBe(rosteredAgents(iv.seats, 0.1));
    });
    const seatHours = plan.intervals.reduce((s, i) => s + i.seats, 0);
    expect(plan.seatHours).toBe(seatHours);
    expect(plan.seatHoursPerYear).toBeCloseTo(seatHours * 365, 9);
    expect(plan.fullTimePosts).toBeCloseTo((seatHours * 365) / 0.9 / 1607, 9);
  });

  it('honours a floor (one doctor at all hours) even with no calls', () => {
    const plan = planStaffing([{ callsPerHour: 0, ahtSeconds: 300 }], {
      thresholdSeconds: 30,
      target: 0.8,
      minSeats: 1,
    });
    expect(plan.intervals[0]!.seats).toBe(1);
    expect(plan.fullTimePosts).toBeCloseTo(8760 / 1607, 9);
  });

  it('with patience and retrials, sizes on calls received including repeat attempts', () => {
    const base = { thresholdSeconds: 30, target: 0.5, patienceSeconds: 60 };
    const without = planStaffing([{ callsPerHour: 300, ahtSeconds: 180 }], base);
    const withRetrials = planStaffing([{ callsPerHour: 300, ahtSeconds: 180 }], {
      ...base,
      retrials: { probability: 0.8 },
    });
    expect(without.model).toBe('erlang-a');
    const iv = withRetrials.intervals[0]!;
    expect(iv.callsPerHour).toBeGreaterThan(300);
    expect(iv.callsPerHour).toBeCloseTo(callsWithRetrials(300, iv.abandonRate, { probability: 0.8 }), 6);
    expect(iv.seats).toBeGreaterThanOrEqual(without.intervals[0]!.seats);
  });

  it('rejects an empty plan and a bad interval length', () => {
    expect(() => planStaffing([], { thresholdSeconds: 30, target: 0.8 })).toThrow(/at least one interval/);
    expect(() => planStaffing(day, { thresholdSeconds: 30, target: 0.8, intervalHours: 0 })).toThrow(
      /interval/,
    );
  });
});
