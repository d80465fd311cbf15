// The engine's state for one site: the canonical data (what a snapshot holds and what replay must
// rebuild exactly) and the indexes derived from it for speed (rebuilt on load, never persisted).
import type { Period } from './calendar.js';
import type { AgentConfig, LineConfig, QueueConfig, SiteConfig } from './config.js';
import type { Agent, Alarm, Call, CallbackTask, LineSwitch, Mode, Pending } from './model.js';
import { TimerHeap, type TimerKind } from './timer-heap.js';
import { WaitingList, type WaitingEntry } from './waiting-list.js';
import { urgencyOf } from './urgency.js';

export type SiteData = {
  config: SiteConfig;
  calls: Record<string, Call>;
  agents: Record<string, Agent>;
  callbacks: Record<string, CallbackTask>;
  lineSwitches: Record<string, LineSwitch>;
  alarms: Record<string, Alarm>;
  /** Per queue: how many waiting calls have passed the queue's alarm threshold. */
  overThreshold: Record<string, number>;
  period: Period | null;
  mode: Mode | null;
  modeOverride: { mode: Mode; until: number | null } | null;
  /** When the calendar (period or scheduled mode) must be looked at again. */
  calendarCheckAt: number | null;
  /** Order of entry into queues, for ties. */
  seq: number;
  /**
   * Calls counted without the ACD holding them (answered or abandoned in the dialplan fallback, or
   * a missed abandon), already counted: call id → when (rules/fallback.ts).
   * Optional: snapshots taken before it existed have none.
   */
  fallbackCalls?: Record<string, number>;
};

export type Server = { agentId: string; preference: number };

export type Indexes = {
  queues: Map<string, QueueConfig>;
  lines: Map<string, LineConfig>;
  agentConfigs: Map<string, AgentConfig>;
  waiting: Map<string, WaitingList>;
  /** Per queue: the agents whose current skills and roles let them serve it. */
  servers: Map<string, Server[]>;
  /** Per queue Q: the queues whose overflow tiers add Q's agents, with the tier that does. */
  widenedInto: Map<string, { queueId: string; tier: number }[]>;
  /** How many agents holding each role are logged in (P2 routing looks for a GP regulator). */
  loggedInByRole: Map<string, number>;
  timers: TimerHeap;
};

export type State = { data: SiteData; idx: Indexes };

export function initialState(config: SiteConfig): State {
  const agents: Record<string, Agent> = {};
  for (const a of config.agents) {
    agents[a.id] = {
      id: a.id,
      status: 'logged-out',
      since: 0,
      pauseReason: null,
      callId: null,
      wrapUntil: null,
      skills: a.skills.map((s) => ({ ...s })),
    };
  }
  const data: SiteData = {
    config,
    calls: {},
    agents,
    callbacks: {},
    lineSwitches: {},
    alarms: {},
    overThreshold: {},
    period: null,
    mode: null,
    modeOverride: null,
    calendarCheckAt: null,
    seq: 0,
    fallbackCalls: {},
  };
  return { data, idx: buildIndexes(data) };
}

export function entryOf(call: Call, pending: Pending): WaitingEntry {
  return {
    callId: call.id,
    urgency: urgencyOf(call),
    priority: call.priority,
    arrivedAt: call.arrivedAt,
    seq: pending.seq,
  };
}

export function serversOf(
  data: SiteData,
  queues: Map<string, QueueConfig>,
  configs: Map<string, AgentConfig>,
) {
  const servers = new Map<string, Server[]>();
  for (const q of queues.values()) servers.set(q.id, []);
  for (const agent of Object.values(data.agents)) {
    const roles = configs.get(agent.id)?.roles ?? [];
    for (const s of agent.skills) {
      const q = queues.get(s.queue);
      const excepted = data.config.roleExceptions.some(
        (e) => e.agentId === agent.id && e.queueId === s.queue,
      );
      if (q && (excepted || q.roles.some((r) => roles.includes(r)))) {
        servers.get(q.id)!.push({ agentId: agent.id, preference: s.preference });
      }
    }
  }
  return servers;
}

/** Builds every index from the canonical data: used at start, after a snapshot load, and on config change. */
export function buildIndexes(data: SiteData): Indexes {
  const c = data.config;
  const queues = new Map(c.queues.map((q) => [q.id, q]));
  const agentConfigs = new Map(c.agents.map((a) => [a.id, a]));
  const widenedInto = new Map<string, { queueId: string; tier: number }[]>();
  for (const q of c.queues) {
    q.overflow.tiers.forEach((t, i) => {
      for (const added of t.addQueues) {
        const list = widenedInto.get(added) ?? [];
        list.push({ queueId: q.id, tier: i + 1 });
        widenedInto.set(added, list);
      }
    });
  }
  const idx: Indexes = {
    queues,
    lines: new Map(c.lines.map((l) => [l.id, l])),
    agentConfigs,
    waiting: new Map(c.queues.map((q) => [q.id, new WaitingList()])),
    servers: serversOf(data, queues, agentConfigs),
    widenedInto,
    loggedInByRole: new Map(),
    timers: new TimerHeap(),
  };
  for (const agent of Object.values(data.agents)) {
    if (agent.status !== 'logged-out') countLogin(idx, agent.id, 1);
  }
  for (const call of Object.values(data.calls)) {
    const p = call.pending;
    if (p && !p.offer) idx.waiting.get(p.queueId)?.insert(entryOf(call, p));
    armTimer(idx, data, 'call', call.id);
  }
  for (const agent of Object.values(data.agents)) armTimer(idx, data, 'agent', agent.id);
  armTimer(idx, data, 'site', '');
  return idx;
}

export function countLogin(idx: Indexes, agentId: string, delta: 1 | -1): void {
  for (const role of idx.agentConfigs.get(agentId)?.roles ?? []) {
    idx.loggedInByRole.set(role, (idx.loggedInByRole.get(role) ?? 0) + delta);
  }
}

const min = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : Math.min(a, b);

/** The earliest deadline an entity holds now, or null. Stale heap entries are recognised with it. */
export function deadlineOf(data: SiteData, kind: TimerKind, id: string): number | null {
  if (kind === 'agent') return data.agents[id]?.wrapUntil ?? null;
  if (kind === 'site') {
    let at = min(data.calendarCheckAt ?? null, data.modeOverride?.until ?? null);
    for (const sw of Object.values(data.lineSwitches)) at = min(at, sw.until);
    return at;
  }
  const p = data.calls[id]?.pending;
  if (!p) return null;
  let at = min(p.offer?.until ?? null, p.nextTierAt);
  at = min(at, p.overThreshold ? null : p.alarmAt);
  at = min(at, p.partnerAt);
  return min(at, p.callbackOffered ? null : p.callbackAt);
}

export function armTimer(idx: Indexes, data: SiteData, kind: TimerKind, id: string): void {
  const at = deadlineOf(data, kind, id);
  if (at !== null) idx.timers.push({ at, kind, id });
}
