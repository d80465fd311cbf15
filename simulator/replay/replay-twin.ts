// `simulate replay --twin`: the same trace through the digital twin (the same routing code, in
// virtual time) on the same site and seats, for the side-by-side table. The twin's seats are the
// replay's bots (one per --staff seat, all hours), its wrap-up the replay's (0 when each agent's own
// was asked for), phones answer at once; it starts on a Monday at 00:00 (the live run starts now),
// and its callers' patience restarts at each queue step (as the replay asks sim-pbx to play it).
import type { SiteConfig } from '../../src/core/config.js';
import { STEPS, validateScenario, type Scenario, type Step } from '../traffic/scenario.js';
import type { TraceCall } from '../traffic/trace.js';
import { figuresOf } from '../twin/results.js';
import { simulate } from '../twin/simulate.js';
import { buildTwinSiteFromConfig } from '../twin/site-from-config.js';
import type { CallCounts } from './call-counts.js';
import type { QueueFigures } from './ground-truth.js';
import type { StaffPlan } from './replay-site.js';

export type TwinSide = { queues: Record<string, QueueFigures>; calls: CallCounts };

/** The queues of the plan the twin cannot staff (it staffs its steps only), for a usage error. */
export function twinUnstaffable(staff: StaffPlan): string[] {
  return Object.keys(staff).filter((q) => !(STEPS as readonly string[]).includes(q));
}

const ANY_TIME = { dist: 'exponential', mean: 60 } as const; // unused: the trace gives every talk time

function scenarioOf(calls: TraceCall[], staff: StaffPlan, wrapUpSeconds: number | null): Scenario {
  // Counted, then divided once: a sum of 1/n per call may end above 1 (40 × 1/40 = 1.0000000000000002),
  // which the scenario's schema refuses.
  const count = (key: (c: TraceCall) => string) => {
    const out: Record<string, number> = {};
    for (const c of calls) out[key(c)] = (out[key(c)] ?? 0) + 1;
    for (const k of Object.keys(out)) out[k] = out[k]! / calls.length;
    return out;
  };
  const shares = count((c) => c.qualification);
  // Shares add up to 1 within rounding; the last one takes the rest.
  const qualification = { P0: 0, P1: 0, P2: 0, DR: 0, ...shares };
  const keys = Object.keys(shares) as (keyof typeof qualification)[];
  qualification[keys.at(-1)!] = 1 - keys.slice(0, -1).reduce((a, k) => a + qualification[k], 0);
  const r = validateScenario({
    description: 'the replayed trace',
    seed: 1,
    hours: Math.floor(Math.max(...calls.map((c) => c.arrivalS)) / 3600) + 1,
    arrivals: { callsPerHour: 1 },
    lines: count((c) => c.line),
    qualification,
    handlingSeconds: { n1: ANY_TIME, 'n2-amu': ANY_TIME, 'n2-mg': ANY_TIME, 'reg-amu': ANY_TIME },
    staff: Object.fromEntries(Object.entries(staff).filter(([q]) => STEPS.includes(q as Step))),
    ringSeconds: 0,
    wrapUpSeconds: wrapUpSeconds ?? 0,
  });
  if (!r.ok) throw new Error(`the twin's scenario for this trace is not valid: ${JSON.stringify(r.errors)}`);
  return r.scenario;
}

/** The twin's figures for the trace, as the replay compares them. */
export function replayTwin(
  calls: TraceCall[],
  config: SiteConfig,
  staff: StaffPlan,
  wrapUpSeconds: number | null,
): TwinSide {
  const s = scenarioOf(calls, staff, wrapUpSeconds);
  const site = buildTwinSiteFromConfig(config, s);
  const f = figuresOf(s, site, simulate(s, site, calls));
  const queues: Record<string, QueueFigures> = {};
  for (const [id, q] of Object.entries(f.queues))
    if (q.offered > 0)
      queues[id] = {
        offered: q.offered,
        answered: q.answered,
        abandoned: q.abandoned,
        answeredWithinThreshold: q.answeredWithinThreshold,
        meanWaitSeconds: q.meanWaitSeconds,
      };
  const c = f.calls;
  return {
    queues,
    calls: {
      arrived: c.arrived,
      answered: c.answeredBySas,
      answeredWithin30s: c.answeredWithin30s,
      abandoned: c.abandoned,
      shortAbandoned: c.shortAbandoned,
    },
  };
}
