// The state the indicators reducer keeps: figures per 15-minute interval and period, and what it
// must remember about calls and agents in progress to date and classify what happens to them.
import type { Period } from '../calendar.js';
import type { QueueConfig, SiteConfig } from '../config.js';
import type { AgentStatus, Qualification, Role } from '../model.js';
import { newFigures, type CallCounts, type Figures, type QueueFigures } from './figures.js';
import { newQueueAnswers, type QueueAnswers } from './queue-answers.js';

/** A call in progress, as far as the indicators care. */
export type CallTrack = {
  inbound: boolean;
  arrivedAt: number;
  period: Period;
  /** The figures of the call's arrival (or dialling) interval and period. */
  fig: Figures;
  /** The per-dimension counters of the call (department, line, origin, mode). */
  dims: CallCounts[];
  answered: boolean;
  /** First N1 answer, the start of the N1 orientation clock. */
  n1: { agentId: string; at: number } | null;
  n1Measured: boolean;
  keptBy: string | null;
  qualification: Qualification | null;
  /** Branch of the last reorientation (MG→AMU or AMU→MG), which overrides the qualification's. */
  reorientedTo: 'amu' | 'mg' | null;
  /** Talk time on this call so far, by annex 3 role (items 9–13), added up over every leg. */
  roleMs: Map<string, number>;
  /** The queue step the call waits in now; `q` is null when not counted (outbound calls). */
  pending: { queueId: string; enteredAt: number; q: QueueFigures | null } | null;
};

export type AgentTrack = {
  status: AgentStatus;
  since: number;
  /** Role the agent is counted under in live figures (its first configured role). */
  role: Role;
  /** Role label of the last call the agent left: what its wrap-up is reported under. */
  lastLabel: string | null;
  wrapStartedAt: number | null;
};

export type Indicators = {
  config: SiteConfig;
  queues: Map<string, QueueConfig>;
  /** Interval start (epoch ms) → figures by the call's arrival period. */
  intervals: Map<number, Partial<Record<Period, Figures>>>;
  calls: Map<string, CallTrack>;
  agents: Map<string, AgentTrack>;
  /** First answers for the rolling live QS: time and whether within 30 s, oldest first from `recentHead`. */
  recentAt: number[];
  recentWithin: boolean[];
  recentHead: number;
  /** Answers per queue, for the rolling live QS of each queue. */
  queueAnswers: QueueAnswers;
  /** Live calls qualified P0. */
  p0: Set<string>;
  /** Time of the last event applied. */
  lastAt: number;
};

export function createIndicators(config: SiteConfig): Indicators {
  const acc: Indicators = {
    config,
    queues: new Map(),
    intervals: new Map(),
    calls: new Map(),
    agents: new Map(),
    recentAt: [],
    recentWithin: [],
    recentHead: 0,
    queueAnswers: newQueueAnswers(),
    p0: new Set(),
    lastAt: 0,
  };
  useConfig(acc, config, 0);
  return acc;
}

/** Takes a (new) configuration: queue thresholds and agents' roles; agents keep their state. */
export function useConfig(acc: Indicators, config: SiteConfig, at: number): void {
  acc.config = config;
  acc.queues = new Map(config.queues.map((q) => [q.id, q]));
  const agents = new Map<string, AgentTrack>();
  for (const a of config.agents) {
    const prev = acc.agents.get(a.id);
    const role = a.roles[0]!;
    agents.set(
      a.id,
      prev
        ? { ...prev, role }
        : { status: 'logged-out', since: at, role, lastLabel: null, wrapStartedAt: null },
    );
  }
  acc.agents = agents;
}

/** The figures of the interval holding `start` for one period, created on first use. */
export function figuresAt(acc: Indicators, start: number, period: Period): Figures {
  let slot = acc.intervals.get(start);
  if (!slot) {
    slot = {};
    acc.intervals.set(start, slot);
  }
  let fig = slot[period];
  if (!fig) {
    fig = newFigures();
    slot[period] = fig;
  }
  return fig;
}

/**
 * Drops the figures of the intervals before `start`: a long-running live process keeps only what
 * its screens show (reports are rebuilt from the event log). Calls still in progress from those
 * intervals keep counting into figures no longer listed.
 */
export function forgetIntervalsBefore(acc: Indicators, start: number): void {
  for (const k of acc.intervals.keys()) if (k < start) acc.intervals.delete(k);
}
