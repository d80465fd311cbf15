// Checks an Erlang staffing plan in the digital twin: the plan's seats per hour become the twin's
// staff, and the twin's figures per step are set beside Erlang's. Erlang sizes each step as an
// isolated queue; the twin plays priorities, the hold between levels and abandons at every step,
// so the difference shows what Erlang leaves out, step by step.
import type { ScenarioPlan } from '../staffing/scenario-plan.js';
import type { Scenario, Step } from '../traffic/scenario.js';
import type { SiteConfig } from '../../src/core/config.js';
import { runTwin } from './run-twin.js';

export type StepCheck = {
  /** Erlang's service level for the step, averaged over the hours weighted by calls. */
  erlangServiceLevel: number;
  /** The twin's share of answered calls answered within 30 s of entering the step. */
  twinQs30: number | null;
  /** twinQs30 − erlangServiceLevel: negative when the twin does worse than Erlang promised. */
  difference: number | null;
  erlangAbandonRate: number;
  twinAbandonRate: number | null;
  twinMeanWaitSeconds: number | null;
};

export type PlanCheck = { replications: number; staffBy: string; steps: Partial<Record<Step, StepCheck>> };

function weighted(
  p: ScenarioPlan['steps'][Step],
  pick: (i: { serviceLevel: number; abandonRate: number }) => number,
): number {
  let sum = 0;
  let weight = 0;
  for (const i of p!.intervals) {
    sum += pick(i) * i.callsPerHour;
    weight += i.callsPerHour;
  }
  return weight > 0 ? sum / weight : 0;
}

export function checkPlanInTwin(
  s: Scenario,
  plan: ScenarioPlan,
  replications = 3,
  /** The site's own configuration (`staff --config`); default: the twin's clean theory site. */
  site?: SiteConfig,
): PlanCheck {
  // The twin's staff is given per hour of the day: for a longer scenario, the most seats the plan
  // asks for at that hour on any day.
  const staff: Partial<Record<Step, number[]>> = {};
  for (const [step, p] of Object.entries(plan.steps) as [Step, NonNullable<ScenarioPlan['steps'][Step]>][]) {
    const byHour = new Array<number>(24).fill(0);
    p.intervals.forEach((iv, i) => (byHour[i % 24] = Math.max(byHour[i % 24]!, iv.seats)));
    staff[step] = byHour;
  }
  const twin = runTwin(
    { ...s, staff },
    { replications: s.arrivals.trace === undefined ? replications : 1, ...(site ? { site } : {}) },
  );
  const steps: Partial<Record<Step, StepCheck>> = {};
  for (const [step, p] of Object.entries(plan.steps) as [Step, NonNullable<ScenarioPlan['steps'][Step]>][]) {
    const q = (
      twin.queues as Record<
        string,
        { qs30: number | null; abandonRate: number | null; meanWaitSeconds: number | null }
      >
    )[step];
    const erlang = weighted(p, (i) => i.serviceLevel);
    steps[step] = {
      erlangServiceLevel: erlang,
      twinQs30: q?.qs30 ?? null,
      difference: q?.qs30 == null ? null : q.qs30 - erlang,
      erlangAbandonRate: weighted(p, (i) => i.abandonRate),
      twinAbandonRate: q?.abandonRate ?? null,
      twinMeanWaitSeconds: q?.meanWaitSeconds ?? null,
    };
  }
  return {
    replications: twin.replications,
    staffBy: 'seats per hour of the day (the most the plan asks at that hour on any day)',
    steps,
  };
}
