import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erlangB, offeredLoad } from '../../../simulator/staffing/erlang-b.js';
import { agentsForServiceLevelC, erlangC, erlangCMetrics } from '../../../simulator/staffing/erlang-c.js';

// Independent check: the textbook Erlang C by direct summation,
// C = (a^c/c! · c/(c−a)) / (Σ_{k<c} a^k/k! + a^c/c! · c/(c−a)), in log space so it holds for large c.
function erlangCBySummation(c: number, a: number): number {
  const logTerm = (k: number) => {
    let s = k * Math.log(a);
    for (let i = 2; i <= k; i++) s -= Math.log(i);
    return s;
  };
  const logs = Array.from({ length: c }, (_, k) => logTerm(k));
  const logTop = logTerm(c) + Math.log(c / (c - a));
  const m = Math.max(...logs, logTop);
  const sum = logs.reduce((s, l) => s + Math.exp(l - m), 0);
  const top = Math.exp(logTop - m);
  return top / (sum + top);
}

describe('Erlang B and C', () => {
  it('offered load is calls per second times handling time', () => {
    expect(offeredLoad(100, 180)).toBeCloseTo(5, 12);
  });

  it('Erlang B matches a hand-computed value: B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2', () => {
    expect(erlangB(2, 1)).toBeCloseTo(0.2, 12);
  });

  it('textbook M/M/5 with 3 erlangs (one call a minute, 3 min each): P(wait) = 81/343', () => {
    // Σ_{k<5} 3^k/k! = 16.375 = 262/16 and 3^5/5!·5/2 = 81/16: C = 81/343 ≈ 0.2362.
    expect(erlangC(5, 3)).toBeCloseTo(81 / 343, 12);
  });

  it('classic worked example: 360 calls per half hour, 4 min, 55 agents, 15 s threshold', () => {
    const r = erlangCMetrics({ callsPerHour: 720, ahtSeconds: 240, agents: 55, thresholdSeconds: 15 });
    expect(r.erlangs).toBeCloseTo(48, 12);
    expect(r.occupancy).toBeCloseTo(0.8727, 4);
    expect(r.probabilityOfWaiting).toBeCloseTo(0.2387, 4);
    expect(r.averageSpeedOfAnswerSeconds!).toBeCloseTo(8.18, 2);
    expect(r.serviceLevel).toBeCloseTo(0.8459, 4);
  });

  it('agrees with direct summation for small and large teams', () => {
    for (const [c, a] of [
      [1, 0.5],
      [2, 1.5],
      [6, 5],
      [10, 7.3],
      [30, 25],
      [120, 110],
      [300, 280],
      [800, 790],
    ] as const) {
      expect(erlangC(c, a)).toBeCloseTo(erlangCBySummation(c, a), 10);
    }
  });

  it('stays finite for hundreds of agents (no factorial overflow)', () => {
    const r = erlangCMetrics({ callsPerHour: 20_000, ahtSeconds: 180, agents: 1020, thresholdSeconds: 30 });
    expect(r.erlangs).toBeCloseTo(1000, 9);
    expect(Number.isFinite(r.probabilityOfWaiting)).toBe(true);
    expect(r.probabilityOfWaiting).toBeGreaterThan(0);
    expect(r.probabilityOfWaiting).toBeLessThan(1);
  });

  it('reports an unstable queue when the load reaches the agents', () => {
    const r = erlangCMetrics({ callsPerHour: 100, ahtSeconds: 180, agents: 5, thresholdSeconds: 30 });
    expect(r).toMatchObject({ stable: false, probabilityOfWaiting: 1, serviceLevel: 0 });
    expect(r.averageSpeedOfAnswerSeconds).toBeNull();
  });

  it('rejects bad inputs', () => {
    expect(() =>
      erlangCMetrics({ callsPerHour: -1, ahtSeconds: 180, agents: 5, thresholdSeconds: 30 }),
    ).toThrow(/calls per hour/);
    expect(() => erlangCMetrics({ callsPerHour: 1, ahtSeconds: 0, agents: 5, thresholdSeconds: 30 })).toThrow(
      /handling time/,
    );
    expect(() =>
      erlangCMetrics({ callsPerHour: 1, ahtSeconds: 10, agents: 1.5, thresholdSeconds: 30 }),
    ).toThrow(/agents/);
  });
});

const load = fc.record({
  callsPerHour: fc.double({ min: 0.5, max: 3000, noNaN: true }),
  ahtSeconds: fc.double({ min: 10, max: 900, noNaN: true }),
  thresholdSeconds: fc.double({ min: 0, max: 300, noNaN: true }),
});

describe('Erlang C properties', () => {
  it('P(wait) and the service level stay in [0, 1]; more agents never lower the service level', () => {
    fc.assert(
      fc.property(load, fc.integer({ min: 0, max: 60 }), (l, extra) => {
        const a = offeredLoad(l.callsPerHour, l.ahtSeconds);
        const c = Math.floor(a) + extra;
        const r = erlangCMetrics({ ...l, agents: c });
        const r1 = erlangCMetrics({ ...l, agents: c + 1 });
        expect(r.probabilityOfWaiting).toBeGreaterThanOrEqual(0);
        expect(r.probabilityOfWaiting).toBeLessThanOrEqual(1);
        expect(r.serviceLevel).toBeGreaterThanOrEqual(0);
        expect(r.serviceLevel).toBeLessThanOrEqual(1);
        expect(r1.serviceLevel).toBeGreaterThanOrEqual(r.serviceLevel - 1e-12);
        expect(r1.probabilityOfWaiting).toBeLessThanOrEqual(r.probabilityOfWaiting + 1e-12);
      }),
      { numRuns: 300 },
    );
  });

  it('the target search returns the smallest team reaching the target', () => {
    fc.assert(
      fc.property(load, fc.double({ min: 0.05, max: 0.99, noNaN: true }), (l, target) => {
        const r = agentsForServiceLevelC({ ...l, target });
        expect(r.serviceLevel).toBeGreaterThanOrEqual(target);
        if (r.agents > 0) {
          expect(erlangCMetrics({ ...l, agents: r.agents - 1 }).serviceLevel).toBeLessThan(target);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('honours a floor on the team (one doctor at all hours)', () => {
    const r = agentsForServiceLevelC({
      callsPerHour: 0.1,
      ahtSeconds: 60,
      thresholdSeconds: 30,
      target: 0.8,
      minAgents: 2,
    });
    expect(r.agents).toBe(2);
  });
});
