import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planScenario } from '../../../simulator/staffing/scenario-plan.js';
import { validateScenario } from '../../../simulator/traffic/scenario.js';
import { checkPlanInTwin } from '../../../simulator/twin/plan-check.js';

const scenario = () => {
  const raw = JSON.parse(readFileSync('simulator/traffic/scenarios/issue-12-example.json', 'utf8'));
  const parsed = validateScenario({ ...raw, hours: 12 });
  if (!parsed.ok) throw new Error('example scenario invalid');
  return parsed.scenario;
};

describe('an Erlang plan checked in the digital twin', () => {
  it('sets the twin figures of each step beside Erlang and says by how much they differ', () => {
    const s = scenario();
    const plan = planScenario(s, { thresholdSeconds: 30, target: 0.9 });
    const check = checkPlanInTwin(s, plan, 2);
    expect(Object.keys(check.steps).sort()).toEqual(Object.keys(plan.steps).sort());
    for (const c of Object.values(check.steps)) {
      expect(c.twinQs30).not.toBeNull();
      expect(c.difference).toBeCloseTo(c.twinQs30! - c.erlangServiceLevel, 10);
      // Staffed by the plan, each step is near its target in the twin too (Erlang is a model, not a law).
      expect(c.twinQs30!).toBeGreaterThan(0.75);
    }
  });

  it('shows the twin doing worse than Erlang when the plan is cut below what Erlang asked', () => {
    const s = scenario();
    const plan = planScenario(s, { thresholdSeconds: 30, target: 0.9 });
    for (const iv of plan.steps.n1!.intervals) iv.seats = Math.max(1, iv.seats - 2);
    const check = checkPlanInTwin(s, plan, 2);
    expect(check.steps.n1!.difference!).toBeLessThan(-0.1);
  });
});
