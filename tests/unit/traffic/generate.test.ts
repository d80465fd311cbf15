import { describe, expect, it } from 'vitest';
import { expectedArrivals, scenarioRate } from '../../../simulator/traffic/arrivals.js';
import { generateTrace } from '../../../simulator/traffic/generate.js';
import { retrialOf } from '../../../simulator/traffic/retrial.js';
import { validateScenario, type Scenario } from '../../../simulator/traffic/scenario.js';
import { parseTrace } from '../../../simulator/traffic/trace-parse.js';
import { formatTrace } from '../../../simulator/traffic/trace-write.js';

function scenario(overrides: Record<string, unknown> = {}): Scenario {
  const r = validateScenario({
    seed: 42,
    hours: 24,
    arrivals: { callsPerHour: 100 },
    lines: { '15': 0.8, sdis: 0.2 },
    qualification: { P0: 0.02, P1: 0.3, P2: 0.4, DR: 0.28 },
    handlingSeconds: {
      n1: { dist: 'exponential', mean: 90 },
      'n2-amu': { dist: 'exponential', mean: 240 },
      'n2-mg': { dist: 'lognormal', mean: 300, sd: 120 },
      'reg-amu': { dist: 'exponential', mean: 200 },
      'reg-mg': { dist: 'fixed', mean: 300 },
      'book-mg': { dist: 'exponential', mean: 120 },
    },
    patienceSeconds: { dist: 'exponential', mean: 180 },
    regulation: { amu: 0.7, mg: 1, booking: 0.25 },
    retrials: { probability: 0.5, delaySeconds: { dist: 'fixed', mean: 60 }, maxAttempts: 3 },
    ...overrides,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.scenario;
}

// |observed − expected| within z standard deviations of a Poisson / binomial count.
const withinPoisson = (observed: number, expected: number, z = 4) =>
  Math.abs(observed - expected) <= z * Math.sqrt(expected);
const withinBinomial = (observed: number, n: number, p: number, z = 4) =>
  Math.abs(observed - n * p) <= z * Math.sqrt(n * p * (1 - p));

describe('traffic generator', () => {
  it('same seed → same trace; another seed → another trace', () => {
    const a = generateTrace(scenario());
    expect(generateTrace(scenario())).toEqual(a);
    expect(generateTrace(scenario({ seed: 43 }))).not.toEqual(a);
  });

  it('draws arrivals at the scenario rate (constant, over a week)', () => {
    const s = scenario({ hours: 168 });
    const calls = generateTrace(s);
    expect(withinPoisson(calls.length, 100 * 168)).toBe(true);
    // Times are sorted and inside the horizon.
    expect(calls.every((c, i) => i === 0 || c.arrivalS >= calls[i - 1]!.arrivalS)).toBe(true);
    expect(calls.at(-1)!.arrivalS).toBeLessThan(168 * 3600);
    // Each hour holds a Poisson(100) count: the index of dispersion is near 1.
    const perHour = new Array<number>(168).fill(0);
    for (const c of calls) perHour[Math.floor(c.arrivalS / 3600)]!++;
    const mean = perHour.reduce((s, v) => s + v, 0) / 168;
    const variance = perHour.reduce((s, v) => s + (v - mean) ** 2, 0) / 167;
    expect(variance / mean).toBeGreaterThan(0.7);
    expect(variance / mean).toBeLessThan(1.3);
  });

  it('follows an hourly and weekly profile (thinning)', () => {
    const hourly = Array.from({ length: 24 }, (_, h) => (h < 6 ? 1 : h < 18 ? 4 : 2));
    const dayOfWeek = [1, 1, 1, 1, 1, 2, 2];
    const s = scenario({ hours: 168 * 4, arrivals: { callsPerDay: 1000, hourlyProfile: hourly, dayOfWeek } });
    const calls = generateTrace(s);
    const rate = scenarioRate(s);
    expect(withinPoisson(calls.length, expectedArrivals(rate, s.hours * 3600))).toBe(true);
    expect(expectedArrivals(rate, 168 * 3600)).toBeCloseTo(7000, 6);
    // Night hours of weekdays vs day hours of weekends: each count near its own expectation.
    const night = calls.filter((c) => {
      const h = Math.floor(c.arrivalS / 3600) % 168;
      return h < 5 * 24 && h % 24 < 6;
    }).length;
    const weekendDay = calls.filter((c) => {
      const h = Math.floor(c.arrivalS / 3600) % 168;
      return h >= 5 * 24 && h % 24 >= 6 && h % 24 < 18;
    }).length;
    const hourTotal = hourly.reduce((a, b) => a + b, 0);
    const dayMean = 9 / 7;
    expect(withinPoisson(night, 4 * 5 * 1000 * (1 / dayMean) * ((6 * 1) / hourTotal))).toBe(true);
    expect(withinPoisson(weekendDay, 4 * 2 * 1000 * (2 / dayMean) * ((12 * 4) / hourTotal))).toBe(true);
  });

  it('starts the week on the day asked', () => {
    const hourly = Array.from({ length: 24 }, () => 1);
    const mondayStart = scenarioRate(
      scenario({ arrivals: { callsPerDay: 240, hourlyProfile: hourly, dayOfWeek: [1, 1, 1, 1, 1, 1, 8] } }),
    );
    const sundayStart = scenarioRate(
      scenario({
        arrivals: {
          callsPerDay: 240,
          hourlyProfile: hourly,
          dayOfWeek: [1, 1, 1, 1, 1, 1, 8],
          startDayOfWeek: 7,
        },
      }),
    );
    expect(sundayStart.rate(0)).toBeCloseTo(mondayStart.rate(6 * 24 * 3600), 12);
    expect(sundayStart.rate(0)).toBeGreaterThan(mondayStart.rate(0));
  });

  it('draws the qualification mix, lines, doctor step and bookings in their proportions', () => {
    const s = scenario({ hours: 240 });
    const calls = generateTrace(s);
    const n = calls.length;
    const count = (q: string) => calls.filter((c) => c.qualification === q).length;
    for (const [q, p] of Object.entries(s.qualification)) expect(withinBinomial(count(q), n, p)).toBe(true);
    expect(withinBinomial(calls.filter((c) => c.line === 'sdis').length, n, 0.2)).toBe(true);
    const p1 = calls.filter((c) => c.qualification === 'P1');
    expect(withinBinomial(p1.filter((c) => c.regulationTalkS !== null).length, p1.length, 0.7)).toBe(true);
    const p2 = calls.filter((c) => c.qualification === 'P2');
    expect(p2.every((c) => c.regulationTalkS === 300)).toBe(true); // mg: 1, fixed 300 s
    expect(withinBinomial(p2.filter((c) => c.bookingTalkS !== null).length, p2.length, 0.25)).toBe(true);
    // Path rules of the trace format.
    for (const c of calls) {
      if (c.qualification === 'P0' || c.qualification === 'DR') expect(c.n2TalkS).toBeNull();
      else expect(c.n2TalkS).not.toBeNull();
      if (c.qualification === 'DR') expect(c.regulationTalkS).toBeNull();
      if (c.qualification !== 'P2') expect(c.bookingTalkS).toBeNull();
    }
    const meanN1 = calls.reduce((a, c) => a + c.n1TalkS, 0) / n;
    expect(Math.abs(meanN1 - 90)).toBeLessThan((4 * 90) / Math.sqrt(n));
  });

  it('writes traces that parse back to the same calls', () => {
    for (const seed of [1, 2, 3]) {
      const s = scenario({ seed, patienceSeconds: seed === 2 ? null : { dist: 'exponential', mean: 120 } });
      const calls = generateTrace(s);
      const back = parseTrace(formatTrace(calls), { knownLines: ['15', 'sdis'] });
      expect(back).toEqual({ ok: true, calls });
    }
    expect(generateTrace(scenario({ patienceSeconds: null })).every((c) => c.patienceS === null)).toBe(true);
  });

  it('gives no calls at a zero rate', () => {
    expect(generateTrace(scenario({ arrivals: { callsPerHour: 0 } }))).toEqual([]);
  });
});

describe('retrials', () => {
  const s = scenario();
  const call = generateTrace(s)[0]!;

  it('are reproducible and depend only on the seed, the caller and the attempt', () => {
    expect(retrialOf(s, call, 500, 1)).toEqual(retrialOf(s, call, 500, 1));
  });

  it('come back after the delay with the same caller and need, up to the attempt limit', () => {
    const again = Array.from({ length: 400 }, (_, i) => retrialOf(s, { ...call, caller: `X${i}` }, 500, 1));
    const back = again.filter((c) => c !== null);
    expect(withinBinomial(back.length, 400, 0.5)).toBe(true);
    for (const c of back) {
      expect(c.arrivalS).toBe(560);
      expect(c.qualification).toBe(call.qualification);
    }
    expect(retrialOf(s, call, 500, 3)).toBeNull();
    expect(retrialOf(scenario({ retrials: undefined }), call, 500, 1)).toBeNull();
  });
});
