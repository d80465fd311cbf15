// Per-interval staffing plan: seats per interval for a service-level target (Erlang C, or Erlang A
// with a mean patience), the roster after absenteeism, and full-time posts over a year of 24/7 cover.
import { agentsForServiceLevelA } from './erlang-a.js';
import { agentsForServiceLevelC } from './erlang-c.js';
import {
  DEFAULT_HOURS_PER_POST,
  HOURS_PER_YEAR,
  fullTimePosts,
  rosteredAgents,
  validateAbsenteeism,
  validateHoursPerPost,
} from './posts.js';
import type { RetrialRule } from './retrial-load.js';
import { agentsForServiceLevelWithRetrials } from './retrial-sizing.js';

export interface IntervalDemand {
  /** First-attempt calls offered per hour in this interval. */
  callsPerHour: number;
  /** Mean handling time in seconds in this interval. */
  ahtSeconds: number;
}

export interface PlanOptions {
  /** Service-level threshold in seconds (30 for QS 30 s). */
  thresholdSeconds: number;
  /** Target service level in (0, 1). */
  target: number;
  /** Length of each interval in hours (default 1). The plan is repeated to fill a year. */
  intervalHours?: number;
  /** Mean patience in seconds: switches to Erlang A. */
  patienceSeconds?: number;
  /** Repeat calls by callers who abandoned (needs a patience, else nobody abandons). */
  retrials?: RetrialRule;
  /** Share of rostered time lost (default 0). */
  absenteeism?: number;
  /** Floor on seats in every interval (e.g. one emergency doctor at all hours). */
  minSeats?: number;
  /** Hours per full-time post per year (default 1,607, see posts.ts). */
  hoursPerPost?: number;
}

export interface IntervalPlan {
  index: number;
  /** Offered calls per hour, retrials included. */
  callsPerHour: number;
  ahtSeconds: number;
  erlangs: number;
  /** Seats to occupy (agents answering) to reach the target. */
  seats: number;
  /** People to roster for those seats once absenteeism is allowed for. */
  rostered: number;
  serviceLevel: number;
  probabilityOfWaiting: number;
  abandonRate: number;
  occupancy: number;
}

export interface StaffingPlan {
  model: 'erlang-c' | 'erlang-a';
  intervals: IntervalPlan[];
  /** Hours covered by the intervals. */
  coveredHours: number;
  /** Seat-hours over the covered hours. */
  seatHours: number;
  /** Seat-hours once the plan is repeated over a year (8,760 h). */
  seatHoursPerYear: number;
  /** Full-time posts (ETP) for a year of 24/7 cover, absenteeism included. */
  fullTimePosts: number;
  hoursPerPost: number;
  absenteeism: number;
}

export function planStaffing(demand: IntervalDemand[], options: PlanOptions): StaffingPlan {
  const intervalHours = options.intervalHours ?? 1;
  if (!Number.isFinite(intervalHours) || intervalHours <= 0) {
    throw new RangeError(`interval length must be > 0 hours, got ${intervalHours}`);
  }
  if (demand.length === 0) throw new RangeError('a plan needs at least one interval');
  const absenteeism = options.absenteeism ?? 0;
  validateAbsenteeism(absenteeism);
  const hoursPerPost = options.hoursPerPost ?? DEFAULT_HOURS_PER_POST;
  validateHoursPerPost(hoursPerPost);
  const patience = options.patienceSeconds;
  const common = {
    thresholdSeconds: options.thresholdSeconds,
    target: options.target,
    minAgents: options.minSeats,
  };

  const intervals = demand.map((d, index): IntervalPlan => {
    const inputs = { ...common, ahtSeconds: d.ahtSeconds };
    const r =
      patience === undefined
        ? { ...agentsForServiceLevelC({ ...inputs, callsPerHour: d.callsPerHour }), abandonRate: 0 }
        : options.retrials
          ? agentsForServiceLevelWithRetrials(
              { ...inputs, firstAttemptsPerHour: d.callsPerHour, patienceSeconds: patience },
              options.retrials,
            )
          : agentsForServiceLevelA({ ...inputs, callsPerHour: d.callsPerHour, patienceSeconds: patience });
    return {
      index,
      callsPerHour:
        'callsPerHour' in r && typeof r.callsPerHour === 'number' ? r.callsPerHour : d.callsPerHour,
      ahtSeconds: d.ahtSeconds,
      erlangs: r.erlangs,
      seats: r.agents,
      rostered: rosteredAgents(r.agents, absenteeism),
      serviceLevel: r.serviceLevel,
      probabilityOfWaiting: r.probabilityOfWaiting,
      abandonRate: r.abandonRate,
      occupancy: r.occupancy,
    };
  });
  const coveredHours = intervals.length * intervalHours;
  const seatHours = intervals.reduce((s, i) => s + i.seats * intervalHours, 0);
  const seatHoursPerYear = (seatHours * HOURS_PER_YEAR) / coveredHours;
  return {
    model: patience === undefined ? 'erlang-c' : 'erlang-a',
    intervals,
    coveredHours,
    seatHours,
    seatHoursPerYear,
    fullTimePosts: fullTimePosts(seatHoursPerYear, absenteeism, hoursPerPost),
    hoursPerPost,
    absenteeism,
  };
}
