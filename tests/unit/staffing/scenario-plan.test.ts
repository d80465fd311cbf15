import { describe, expect, it } from 'vitest';
import { agentsForServiceLevelA } from '../../../simulator/staffing/erlang-a.js';
import { agentsForServiceLevelC } from '../../../simulator/staffing/erlang-c.js';
import { planScenario } from '../../../simulator/staffing/scenario-plan.js';
import { validateScenario, type Scenario } from '../../../simulator/traffic/scenario.js';
import { registerStaff } from '../../../src/cli/staff.js';
import { runCliInProcess } from '../cli-in-process.js';

function scenario(overrides: Record<string, unknown> = {}): Scenario {
  const r = validateScenario({
    seed: 1,
    hours: 24,
    arrivals: { callsPerHour: 100 },
    qualification: { P0: 0.02, P1: 0.3, P2: 0.4, DR: 0.28 },
    handlingSeconds: {
      n1: { dist: 'exponential', mean: 90 },
      'n2-amu': { dist: 'exponential', mean: 240 },
      'n2-mg': { dist: 'lognormal', mean: 300, sd: 120 },
      'reg-amu': { dist: 'fixed', mean: 200 },
    },
    patienceSeconds: null,
    regulation: { amu: 0.5 },
    staff: { n1: 4, 'n2-amu': Array.from({ length: 24 }, (_, h) => (h < 8 ? 2 : 3)) },
    wrapUpSeconds: 10,
    ...overrides,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.scenario;
}

describe('plan from a scenario', () => {
  it('sizes each step on its share of calls and its handling time plus wrap-up', () => {
    const p = planScenario(scenario(), { thresholdSeconds: 30, target: 0.9 });
    expect(Object.keys(p.steps)).toEqual(['n1', 'n2-amu', 'n2-mg', 'reg-amu']);
    const n1 = p.steps.n1!;
    expect(n1.model).toBe('erlang-c');
    expect(n1.intervals).toHaveLength(24);
    expect(n1.intervals[0]!.seats).toBe(
      agentsForServiceLevelC({ callsPerHour: 100, ahtSeconds: 100, thresholdSeconds: 30, target: 0.9 })
        .agents,
    );
    expect(p.steps['n2-amu']!.intervals[5]!.callsPerHour).toBeCloseTo(30, 9);
    expect(p.steps['n2-amu']!.intervals[5]!.ahtSeconds).toBe(250);
    // P0 go to the emergency doctor at once, and half of the P1.
    expect(p.steps['reg-amu']!.shareOfCalls).toBeCloseTo(0.02 + 0.15, 12);
    expect(p.steps['n2-amu']!.scenarioStaff![3]).toBe(2);
    expect(p.steps.n1!.scenarioStaff![3]).toBe(4);
    const n2 = p.steps['n2-amu']!.seatHours + p.steps['n2-mg']!.seatHours;
    expect(p.n1PerN2).toEqual({ plan: n1.seatHours / n2, ruleOfThumb: 0.5 });
  });

  it('keeps at least one emergency doctor at all hours', () => {
    const p = planScenario(scenario({ arrivals: { callsPerHour: 0.5 } }), {
      thresholdSeconds: 30,
      target: 0.8,
    });
    expect(p.steps['reg-amu']!.intervals.every((i) => i.seats >= 1)).toBe(true);
  });

  it('follows the hourly profile and uses Erlang A with a patience', () => {
    const hourly = Array.from({ length: 24 }, (_, h) => (h === 12 ? 10 : 1));
    const p = planScenario(
      scenario({
        arrivals: { callsPerDay: 330, hourlyProfile: hourly },
        patienceSeconds: { dist: 'exponential', mean: 120 },
      }),
      { thresholdSeconds: 30, target: 0.8 },
    );
    const n1 = p.steps.n1!;
    expect(n1.model).toBe('erlang-a');
    expect(n1.intervals[12]!.callsPerHour).toBeCloseTo(100, 9);
    expect(n1.intervals[3]!.callsPerHour).toBeCloseTo(10, 9);
    expect(n1.intervals[12]!.seats).toBe(
      agentsForServiceLevelA({
        callsPerHour: 100,
        ahtSeconds: 100,
        thresholdSeconds: 30,
        target: 0.8,
        patienceSeconds: 120,
      }).agents,
    );
  });

  it('one-level: N1 keeps the N2 work and there is no N2 step', () => {
    const p = planScenario(scenario({ mode: 'one-level' }), { thresholdSeconds: 30, target: 0.9 });
    expect(p.steps['n2-amu']).toBeUndefined();
    expect(p.steps.n1!.intervals[0]!.ahtSeconds).toBeCloseTo(90 + 0.3 * 240 + 0.4 * 300 + 10, 9);
    expect(p.n1PerN2.plan).toBeNull();
  });

  it('the command prints the plan as JSON for --scenario --target', async () => {
    // In process: tests/unit/staffing/staff-cli.test.ts spawns the real `sas-acd staff` once.
    const r = await runCliInProcess(registerStaff, [
      'staff',
      '--scenario',
      'simulator/traffic/scenarios/issue-12-example.json',
      '--target',
      '0.8',
      '--absenteeism',
      '0.1',
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as ReturnType<typeof planScenario> & { absenteeism: number };
    expect(Object.keys(out.steps)).toEqual(['n1', 'n2-amu', 'n2-mg']);
    expect(out.absenteeism).toBe(0.1);
    expect(out.steps.n1!.fullTimePosts).toBeGreaterThan(0);
    expect(out.n1PerN2.ruleOfThumb).toBe(0.5);
  });
});
