// Random small scenarios through the twin: the engine never refuses a command the twin sends, and
// every call received ends answered, abandoned before any answer, or still in progress.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runTwin } from '../../../simulator/twin/run-twin.js';
import { validateTwinScenario } from '../../../simulator/twin/twin-scenario.js';

const dist = fc.oneof(
  fc.record({ dist: fc.constant('exponential'), mean: fc.integer({ min: 20, max: 300 }) }),
  fc.record({ dist: fc.constant('fixed'), mean: fc.integer({ min: 0, max: 200 }) }),
  fc.record({
    dist: fc.constant('lognormal'),
    mean: fc.integer({ min: 30, max: 300 }),
    sd: fc.integer({ min: 10, max: 200 }),
  }),
);
const seats = fc.oneof(
  fc.integer({ min: 0, max: 4 }),
  fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 24, maxLength: 24 }),
);

const scenario = fc.record({
  seed: fc.integer({ min: 0, max: 1000 }),
  hours: fc.integer({ min: 1, max: 4 }),
  callsPerHour: fc.integer({ min: 5, max: 80 }),
  mix: fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 4, maxLength: 4 }),
  patience: fc.option(dist, { nil: null }),
  ringSeconds: fc.constantFrom(0, 0, 3, 10),
  wrapUpSeconds: fc.constantFrom(0, 5, 30),
  mode: fc.constantFrom('two-level', 'two-level', 'one-level'),
  regulation: fc.record({
    amu: fc.double({ min: 0, max: 1, noNaN: true }),
    mg: fc.double({ min: 0, max: 1, noNaN: true }),
    booking: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  retrial: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  staff: fc.array(seats, { minLength: 6, maxLength: 6 }),
  priorities: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 2, maxLength: 2 }),
});

describe('twin properties', () => {
  it('runs any small scenario through the engine without a refused command, and loses no call', () => {
    fc.assert(
      fc.property(scenario, (x) => {
        const total = x.mix.reduce((a, b) => a + b, 0) || 1;
        const mix = x.mix.map((v) => v / total);
        if (x.mix.every((v) => v === 0)) mix[3] = 1;
        const [n1, amu, mg, regAmu, regMg, book] = x.staff;
        const r = validateTwinScenario({
          seed: x.seed,
          hours: x.hours,
          arrivals: { callsPerHour: x.callsPerHour },
          lines: { '15': 0.7, sdis: 0.3 },
          linePriorities: { '15': x.priorities[0], sdis: x.priorities[1] },
          qualification: { P0: mix[0], P1: mix[1], P2: mix[2], DR: mix[3] },
          handlingSeconds: {
            n1: { dist: 'exponential', mean: 60 },
            'n2-amu': { dist: 'exponential', mean: 100 },
            'n2-mg': { dist: 'exponential', mean: 120 },
            'reg-amu': { dist: 'exponential', mean: 150 },
            'reg-mg': { dist: 'exponential', mean: 150 },
            'book-mg': { dist: 'fixed', mean: 60 },
          },
          patienceSeconds: x.patience,
          ringSeconds: x.ringSeconds,
          wrapUpSeconds: x.wrapUpSeconds,
          mode: x.mode,
          regulation: x.regulation,
          ...(x.retrial === undefined
            ? {}
            : { retrials: { probability: x.retrial, delaySeconds: { dist: 'exponential', mean: 120 } } }),
          staff: { n1, 'n2-amu': amu, 'n2-mg': mg, 'reg-amu': regAmu, 'reg-mg': regMg, 'book-mg': book },
        });
        if (!r.ok) throw new Error(JSON.stringify(r.errors));
        const res = runTwin(r.twin.scenario, { linePriorities: r.twin.linePriorities });
        const c = res.calls;
        expect(c.arrived).toBe(c.firstAttempts + c.retrials);
        expect(c.answeredBySas + c.abandoned + c.stillUnanswered).toBe(c.arrived);
        expect(res.queues['n1']!.offered).toBe(c.arrived);
        for (const q of Object.values(res.queues)) {
          expect(q.answered + q.abandoned).toBeLessThanOrEqual(q.offered);
          expect(q.answeredWithinThreshold).toBeLessThanOrEqual(q.answered);
        }
        for (const o of Object.values(res.occupancy)) if (o !== null) expect(o).toBeLessThanOrEqual(1);
      }),
      { numRuns: 40, seed: 2026 },
    );
  });
});
