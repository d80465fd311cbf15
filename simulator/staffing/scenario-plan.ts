// A staffing plan per hour and per step from a traffic scenario: the mission's capacity-tool
// inputs (volumes per line, AMU/MG split, one- or two-level organisation, mean handling time per
// role, absenteeism) turned into seats per hour and full-time posts per role.
import { scenarioRate } from '../traffic/arrivals.js';
import type { Distribution } from '../traffic/distributions.js';
import type { Scenario, Step } from '../traffic/scenario.js';
import { planStaffing, type StaffingPlan } from './plan.js';

/**
 * The national rule of thumb, report 2023, recommendation P2: "Le respect du ratio d'un assistant
 * de régulation médicale en N1 (front office) pour deux opérateurs en N2 (back office) permet
 * d'approcher efficacement une bonne planification des ressources du front office." 1 N1 ARM for
 * 2 N2 operators: informational, shown beside the plan, never a constraint of the sizing.
 */
export const RULE_OF_THUMB_N1_PER_N2 = 0.5;

export interface ScenarioPlanOptions {
  thresholdSeconds: number;
  target: number;
  absenteeism?: number;
  hoursPerPost?: number;
}

export interface StepPlan extends StaffingPlan {
  step: Step;
  /** Share of the scenario's calls that reach this step. */
  shareOfCalls: number;
  /** The scenario's own staff for the step per hour, when it gives one, to compare. */
  scenarioStaff?: number[];
}

export interface ScenarioPlan {
  hours: number;
  steps: Partial<Record<Step, StepPlan>>;
  /** N1 seat-hours / N2 (AMU + MG) seat-hours, beside the rule of thumb (0.5). */
  n1PerN2: { plan: number | null; ruleOfThumb: number };
  /** What the Erlang figures leave out; the twin checks a plan against them. */
  caveats: string[];
}

const mean = (d: Distribution | undefined) => d?.mean ?? 0;

/** Share of calls reaching each step and the step's mean handling time. */
function stepDemand(s: Scenario): Partial<Record<Step, { share: number; aht: number }>> {
  const q = s.qualification;
  const h = s.handlingSeconds;
  const r = s.regulation ?? {};
  const wrap = s.wrapUpSeconds + s.ringSeconds;
  const p0Doctor = h['reg-amu'] ? (r.p0 ?? 1) : 0;
  const steps: Partial<Record<Step, { share: number; aht: number }>> = {};
  if (s.mode === 'one-level') {
    // One level: the N1 ARM keeps the call through what N2 would have done.
    steps.n1 = { share: 1, aht: mean(h.n1) + q.P1 * mean(h['n2-amu']) + q.P2 * mean(h['n2-mg']) + wrap };
  } else {
    steps.n1 = { share: 1, aht: mean(h.n1) + wrap };
    if (q.P1 > 0) steps['n2-amu'] = { share: q.P1, aht: mean(h['n2-amu']) + wrap };
    if (q.P2 > 0) steps['n2-mg'] = { share: q.P2, aht: mean(h['n2-mg']) + wrap };
  }
  const toAmuDoctor = q.P1 * (r.amu ?? 0) + q.P0 * p0Doctor;
  if (toAmuDoctor > 0 && h['reg-amu'])
    steps['reg-amu'] = { share: toAmuDoctor, aht: mean(h['reg-amu']) + wrap };
  const toGp = q.P2 * (r.mg ?? 0);
  if (toGp > 0 && h['reg-mg']) steps['reg-mg'] = { share: toGp, aht: mean(h['reg-mg']) + wrap };
  const toBooking = toGp * (r.booking ?? 0);
  if (toBooking > 0 && h['book-mg']) steps['book-mg'] = { share: toBooking, aht: mean(h['book-mg']) + wrap };
  return steps;
}

export function planScenario(s: Scenario, o: ScenarioPlanOptions): ScenarioPlan {
  const rate = scenarioRate(s); // throws for a trace-driven scenario
  const hours = Math.ceil(s.hours);
  // The scenario's rate is constant within each hour: calls per hour = rate at the hour's start.
  const callsPerHour = Array.from({ length: hours }, (_, i) => rate.rate(i * 3600) * 3600);
  // Erlang A needs an exponential patience: another distribution is approximated by its mean.
  const patience = s.patienceSeconds ? s.patienceSeconds.mean : undefined;
  const steps: Partial<Record<Step, StepPlan>> = {};
  for (const [step, d] of Object.entries(stepDemand(s)) as [Step, { share: number; aht: number }][]) {
    // Callers hang up and retry at the first answer; later steps see calls already answered.
    const first = step === 'n1';
    const plan = planStaffing(
      callsPerHour.map((c) => ({ callsPerHour: c * d.share, ahtSeconds: d.aht })),
      {
        thresholdSeconds: o.thresholdSeconds,
        target: o.target,
        absenteeism: o.absenteeism,
        hoursPerPost: o.hoursPerPost,
        ...(patience !== undefined ? { patienceSeconds: patience } : {}),
        ...(first && patience !== undefined && s.retrials ? { retrials: s.retrials } : {}),
        // At least one doctor at all hours in the AMU branch (DOMAIN.md, Staffing).
        ...(step === 'reg-amu' ? { minSeats: 1 } : {}),
      },
    );
    const staff = s.staff?.[step];
    steps[step] = {
      ...plan,
      step,
      shareOfCalls: d.share,
      ...(staff !== undefined
        ? {
            scenarioStaff: Array.from({ length: hours }, (_, i) =>
              typeof staff === 'number' ? staff : staff[i % 24]!,
            ),
          }
        : {}),
    };
  }
  const n2 = (steps['n2-amu']?.seatHours ?? 0) + (steps['n2-mg']?.seatHours ?? 0);
  return {
    hours,
    steps,
    n1PerN2: { plan: n2 > 0 ? steps.n1!.seatHours / n2 : null, ruleOfThumb: RULE_OF_THUMB_N1_PER_N2 },
    caveats: [
      'Erlang sizes each step as a separate queue of identical agents: it ignores priorities between lines, the hold between N1 and N2, and ARMs moving between levels.',
      'Handling times and patience are taken by their means (Erlang assumes exponential); patience applies at every step.',
      'Rates are the expected calls per hour of the scenario; the plan is checked in the digital twin (twinCheck) unless --no-twin is given.',
    ],
  };
}
