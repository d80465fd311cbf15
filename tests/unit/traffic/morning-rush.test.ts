// The demo's opening rush: several times the base rate for its first minutes, then the base trace.
import { describe, expect, it } from 'vitest';
import { withMorningRush } from '../../../simulator/demo/morning-rush.js';
import { validateScenario } from '../../../simulator/traffic/scenario.js';

const scenarioAt = (callsPerHour: number) => {
  const r = validateScenario({
    seed: 7,
    hours: 2,
    arrivals: { callsPerHour },
    lines: { '15': 1 },
    qualification: { P0: 0, P1: 0, P2: 0, DR: 1 },
    handlingSeconds: { n1: { dist: 'exponential', mean: 60 } },
    patienceSeconds: { dist: 'exponential', mean: 240 },
    staff: { n1: 2 },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.scenario;
};

describe('the demo morning rush', () => {
  it('packs the first minutes at the rush factor, then keeps the base trace unchanged', () => {
    const rate = 120;
    const trace = withMorningRush(scenarioAt, rate, { minutes: 10, factor: 6 });
    const rushCalls = trace.filter((c) => c.arrivalS < 600).length;
    const base = withMorningRush(scenarioAt, rate, { minutes: 0, factor: 6 });
    // 10 min at 720/h: 120 expected; the base rate would give 20.
    expect(rushCalls).toBeGreaterThan(80);
    expect(rushCalls).toBeLessThan(170);
    expect(trace.filter((c) => c.arrivalS >= 600)).toEqual(base.filter((c) => c.arrivalS >= 600));
    const times = trace.map((c) => c.arrivalS);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('is the base trace when there is no rush', () => {
    const base = withMorningRush(scenarioAt, 120, { minutes: 0, factor: 6 });
    expect(withMorningRush(scenarioAt, 120, { minutes: 5, factor: 1 })).toEqual(base);
  });
});
