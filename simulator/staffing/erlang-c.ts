// Erlang C (M/M/c, infinite patience): probability of waiting, service level, average speed of
// answer, occupancy, and the smallest team reaching a service-level target.
import { assertLoad, assertServers, erlangB, offeredLoad } from './erlang-b.js';

export interface QueueInput {
  /** Calls offered per hour (received calls, abandons and retrials included). */
  callsPerHour: number;
  /** Mean handling time in seconds (talk + hold + wrap-up). */
  ahtSeconds: number;
  /** Number of agents answering (seats occupied), an integer. */
  agents: number;
  /** Service-level threshold in seconds (30 for QS 30 s). */
  thresholdSeconds: number;
}

export interface ErlangCResult {
  erlangs: number;
  agents: number;
  probabilityOfWaiting: number;
  /** P(wait < threshold) over all calls (nobody abandons in Erlang C). */
  serviceLevel: number;
  /** Mean wait over all calls, answered at once or not; null when the queue is unstable. */
  averageSpeedOfAnswerSeconds: number | null;
  /** Share of agent time spent handling calls, capped at 1. */
  occupancy: number;
  /** False when the load reaches or exceeds the agents: the queue grows without bound. */
  stable: boolean;
}

/** Erlang C probability of waiting, from Erlang B: C = c·B / (c − a·(1 − B)); 1 when a ≥ c. */
export function erlangC(agents: number, erlangs: number): number {
  assertServers(agents);
  assertLoad(erlangs);
  if (erlangs === 0) return 0;
  if (erlangs >= agents) return 1;
  const b = erlangB(agents, erlangs);
  return Math.min(1, (agents * b) / (agents - erlangs * (1 - b)));
}

export function validateQueueInput(input: QueueInput): void {
  const { callsPerHour, ahtSeconds, thresholdSeconds } = input;
  if (!Number.isFinite(callsPerHour) || callsPerHour < 0) {
    throw new RangeError(`calls per hour must be a finite number ≥ 0, got ${callsPerHour}`);
  }
  if (!Number.isFinite(ahtSeconds) || ahtSeconds <= 0) {
    throw new RangeError(`average handling time must be a finite number of seconds > 0, got ${ahtSeconds}`);
  }
  if (!Number.isFinite(thresholdSeconds) || thresholdSeconds < 0) {
    throw new RangeError(`threshold must be a finite number of seconds ≥ 0, got ${thresholdSeconds}`);
  }
  assertServers(input.agents);
}

/** All Erlang C figures for one interval. */
export function erlangCMetrics(input: QueueInput): ErlangCResult {
  validateQueueInput(input);
  const { agents, ahtSeconds, thresholdSeconds } = input;
  const a = offeredLoad(input.callsPerHour, ahtSeconds);
  if (a === 0) {
    return {
      erlangs: 0,
      agents,
      probabilityOfWaiting: 0,
      serviceLevel: 1,
      averageSpeedOfAnswerSeconds: 0,
      occupancy: 0,
      stable: true,
    };
  }
  if (a >= agents) {
    return {
      erlangs: a,
      agents,
      probabilityOfWaiting: 1,
      serviceLevel: 0,
      averageSpeedOfAnswerSeconds: null,
      occupancy: agents === 0 ? 0 : 1,
      stable: false,
    };
  }
  const pw = erlangC(agents, a);
  // The wait of a delayed call is exponential with rate (c − a)/AHT.
  const decay = (agents - a) / ahtSeconds;
  return {
    erlangs: a,
    agents,
    probabilityOfWaiting: pw,
    serviceLevel: Math.max(0, 1 - pw * Math.exp(-decay * thresholdSeconds)),
    averageSpeedOfAnswerSeconds: pw / decay,
    occupancy: a / agents,
    stable: true,
  };
}

export interface TargetInput {
  callsPerHour: number;
  ahtSeconds: number;
  thresholdSeconds: number;
  /** Service level to reach, in (0, 1). */
  target: number;
  /** Never return fewer agents than this (e.g. one doctor at all hours). Default 0. */
  minAgents?: number;
}

export function validateTarget(target: number): void {
  if (!Number.isFinite(target) || target <= 0 || target >= 1) {
    throw new RangeError(`service-level target must be a number strictly between 0 and 1, got ${target}`);
  }
}

/** Smallest number of agents whose Erlang C service level reaches the target. */
export function agentsForServiceLevelC(input: TargetInput): ErlangCResult {
  validateTarget(input.target);
  const base = { ...input, agents: 0 };
  validateQueueInput(base);
  const a = offeredLoad(input.callsPerHour, input.ahtSeconds);
  // Below floor(a)+1 agents the queue is unstable; service level only grows with c from there.
  let c = Math.max(input.minAgents ?? 0, a === 0 ? 0 : Math.floor(a) + 1);
  for (;;) {
    const r = erlangCMetrics({ ...base, agents: c });
    if (r.serviceLevel >= input.target) return r;
    c++;
  }
}
