import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agentsForServiceLevelA, erlangAMetrics } from '../../../simulator/staffing/erlang-a.js';
import { erlangCMetrics } from '../../../simulator/staffing/erlang-c.js';

// Independent reference for M/M/n+M by brute force: the truncated birth–death chain for the
// stationary law, and the tagged caller's own absorbing chain (served / hung up) solved by
// uniformisation for the wait distribution. Small teams only.
function reference(n: number, lambda: number, mu: number, theta: number, t: number) {
  const K = 400;
  const p: number[] = [1];
  for (let j = 1; j <= n + K; j++)
    p.push((p[j - 1]! * lambda) / (Math.min(j, n) * mu + Math.max(0, j - n) * theta));
  const z = p.reduce((s, v) => s + v, 0);
  const pi = p.map((v) => v / z);
  const pWait = pi.slice(n).reduce((s, v) => s + v, 0);
  const queue = pi.reduce((s, v, j) => s + Math.max(0, j - n) * v, 0);
  const abandonRate = (theta * queue) / lambda;
  // P(served by time u | k waiting ahead on arrival), by uniformisation.
  const servedBy = (k: number, u: number) => {
    const rate = n * mu + (k + 1) * theta;
    let state = new Float64Array(k + 2); // index i = callers ahead (0..k), k+1 = served
    state[k] = 1;
    let poisson = Math.exp(-rate * u);
    let acc = 0;
    let mass = 0;
    for (let m = 0; m < 100_000; m++) {
      acc += poisson * state[k + 1]!;
      mass += poisson;
      if (mass > 1 - 1e-13 && m > rate * u) break;
      const next = new Float64Array(k + 2);
      next[k + 1] = state[k + 1]!;
      for (let i = 0; i <= k; i++) {
        const s = state[i]!;
        if (s === 0) continue;
        const adv = (n * mu + i * theta) / rate;
        const stay = 1 - adv - theta / rate;
        next[i === 0 ? k + 1 : i - 1]! += s * adv;
        next[i]! += s * stay;
      }
      state = next;
      poisson *= (rate * u) / (m + 1);
    }
    return acc;
  };
  // E[wait; served | k] stage by stage: with i callers ahead the tagged caller leaves the stage at
  // rate nμ+(i+1)θ, whichever way, so the time there is independent of the way out.
  const servedWait = (k: number) => {
    const advance = (i: number) => (n * mu + i * theta) / (n * mu + (i + 1) * theta);
    let sum = 0;
    let reach = 1;
    for (let i = k; i >= 0; i--) {
      let servedFromHere = 1;
      for (let j = i; j >= 0; j--) servedFromHere *= advance(j);
      sum += (reach * servedFromHere) / (n * mu + (i + 1) * theta);
      reach *= advance(i);
    }
    return sum;
  };
  let answeredWithin = pi.slice(0, n).reduce((s, v) => s + v, 0);
  let waitOfServed = 0;
  for (let k = 0; k < 200; k++) {
    if (k < 60) answeredWithin += pi[n + k]! * servedBy(k, t);
    waitOfServed += pi[n + k]! * servedWait(k);
  }
  return {
    pWait,
    abandonRate,
    answeredWithin,
    serviceLevel: answeredWithin / (1 - abandonRate),
    asa: waitOfServed / (1 - abandonRate),
  };
}

describe('Erlang A', () => {
  it('agrees with a brute-force birth–death chain and uniformisation', () => {
    for (const [n, callsPerHour, aht, patience, t] of [
      [3, 60, 180, 120, 30],
      [6, 100, 180, 180, 30],
      [4, 100, 180, 60, 20],
      [2, 20, 300, 600, 60],
    ] as const) {
      const lambda = callsPerHour / 3600;
      const ref = reference(n, lambda, 1 / aht, 1 / patience, t);
      const r = erlangAMetrics({
        callsPerHour,
        ahtSeconds: aht,
        agents: n,
        thresholdSeconds: t,
        patienceSeconds: patience,
      });
      expect(r.probabilityOfWaiting).toBeCloseTo(ref.pWait, 8);
      expect(r.abandonRate).toBeCloseTo(ref.abandonRate, 8);
      expect(r.answeredWithinThresholdOfOffered).toBeCloseTo(ref.answeredWithin, 6);
      expect(r.serviceLevel).toBeCloseTo(ref.serviceLevel, 6);
      expect(r.averageSpeedOfAnswerSeconds).toBeCloseTo(ref.asa, 6);
    }
  });

  it('keeps Little’s law: mean wait over all callers = abandon rate × mean patience', () => {
    const r = erlangAMetrics({
      callsPerHour: 100,
      ahtSeconds: 180,
      agents: 5,
      thresholdSeconds: 30,
      patienceSeconds: 90,
    });
    expect(r.meanWaitSeconds).toBeCloseTo(r.abandonRate * 90, 10);
    // Answered callers wait less on average than everyone (the long waits are the ones who leave).
    expect(r.averageSpeedOfAnswerSeconds).toBeLessThanOrEqual(r.meanWaitSeconds / (1 - r.abandonRate));
  });

  it('tends to Erlang C as patience grows without bound', () => {
    for (const [n, calls, aht] of [
      [6, 100, 180],
      [12, 200, 180],
      [55, 720, 240],
      [400, 7000, 200],
    ] as const) {
      const c = erlangCMetrics({ callsPerHour: calls, ahtSeconds: aht, agents: n, thresholdSeconds: 30 });
      let previousGap = Infinity;
      for (const patience of [1e4, 1e6, 1e8]) {
        const a = erlangAMetrics({
          callsPerHour: calls,
          ahtSeconds: aht,
          agents: n,
          thresholdSeconds: 30,
          patienceSeconds: patience,
        });
        const gap = Math.abs(a.probabilityOfWaiting - c.probabilityOfWaiting);
        expect(gap).toBeLessThanOrEqual(previousGap + 1e-12);
        previousGap = gap;
      }
      const a = erlangAMetrics({
        callsPerHour: calls,
        ahtSeconds: aht,
        agents: n,
        thresholdSeconds: 30,
        patienceSeconds: 1e8,
      });
      expect(a.probabilityOfWaiting).toBeCloseTo(c.probabilityOfWaiting, 5);
      expect(a.serviceLevel).toBeCloseTo(c.serviceLevel, 5);
      expect(a.averageSpeedOfAnswerSeconds).toBeCloseTo(c.averageSpeedOfAnswerSeconds!, 2);
      expect(a.abandonRate).toBeLessThan(1e-4);
    }
  });

  it('stays finite for hundreds of agents and an overloaded queue', () => {
    const big = erlangAMetrics({
      callsPerHour: 12_000,
      ahtSeconds: 180,
      agents: 500,
      thresholdSeconds: 30,
      patienceSeconds: 120,
    });
    for (const v of Object.values(big)) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
    // 600 erlangs on 500 agents: abandonment keeps it stable, about 1/6 of callers must leave.
    expect(big.abandonRate).toBeGreaterThan(0.15);
    expect(big.abandonRate).toBeLessThan(0.25);
  });

  it('nobody is answered by an empty room', () => {
    const r = erlangAMetrics({
      callsPerHour: 50,
      ahtSeconds: 180,
      agents: 0,
      thresholdSeconds: 30,
      patienceSeconds: 100,
    });
    expect(r).toMatchObject({ probabilityOfWaiting: 1, abandonRate: 1, answeredWithinThresholdOfOffered: 0 });
    expect(r.meanWaitSeconds).toBeCloseTo(100, 9);
  });
});

const load = fc.record({
  callsPerHour: fc.double({ min: 1, max: 2000, noNaN: true }),
  ahtSeconds: fc.double({ min: 20, max: 600, noNaN: true }),
  thresholdSeconds: fc.double({ min: 0, max: 120, noNaN: true }),
  patienceSeconds: fc.double({ min: 5, max: 1200, noNaN: true }),
});

describe('Erlang A properties', () => {
  it('probabilities stay in [0, 1]; more agents never lower the answered-in-time share or raise abandons', () => {
    fc.assert(
      fc.property(load, fc.integer({ min: 0, max: 80 }), (l, c) => {
        const r = erlangAMetrics({ ...l, agents: c });
        const r1 = erlangAMetrics({ ...l, agents: c + 1 });
        for (const v of [
          r.probabilityOfWaiting,
          r.abandonRate,
          r.serviceLevel,
          r.answeredWithinThresholdOfOffered,
        ]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
        expect(r1.answeredWithinThresholdOfOffered).toBeGreaterThanOrEqual(
          r.answeredWithinThresholdOfOffered - 1e-9,
        );
        expect(r1.abandonRate).toBeLessThanOrEqual(r.abandonRate + 1e-9);
      }),
      { numRuns: 200 },
    );
  });

  it('the target search returns the smallest team reaching the target on offered calls', () => {
    fc.assert(
      fc.property(load, fc.double({ min: 0.05, max: 0.95, noNaN: true }), (l, target) => {
        const r = agentsForServiceLevelA({ ...l, target });
        expect(r.answeredWithinThresholdOfOffered).toBeGreaterThanOrEqual(target);
        expect(r.serviceLevel).toBeGreaterThanOrEqual(target);
        if (r.agents > 0) {
          const fewer = erlangAMetrics({ ...l, agents: r.agents - 1 });
          expect(fewer.answeredWithinThresholdOfOffered).toBeLessThan(target);
        }
      }),
      { numRuns: 100 },
    );
  });
});
