// The room as the console holds it: a snapshot, then deltas merged by the client contract of
// docs/api.md ("/supervisor"): a delta with seq <= the room's is ignored; queues, QS, mode,
// period and line switches replace (the QS only when sent); agents merge by id; a call new to the
// room comes whole, a known one as its changed fields to merge (`listeners: []`: none any more);
// alarms replace by id; removed calls and cleared alarms are deleted. Pure functions: unit-tested without a browser.
import type { AgentView, AlarmView, LiveCallView, SiteDelta, SiteSnapshot } from '../types.js';

export type Room = Omit<SiteSnapshot, 'agents' | 'calls' | 'alarms'> & {
  agents: Map<string, AgentView>;
  calls: Map<string, LiveCallView>;
  alarms: Map<string, AlarmView>;
};

export function fromSnapshot(s: SiteSnapshot): Room {
  return {
    ...s,
    agents: new Map(s.agents.map((a) => [a.id, a])),
    calls: new Map(s.calls.map((c) => [c.id, c])),
    alarms: new Map(s.alarms.map((a) => [a.id, a])),
  };
}

/** The room after a delta (a new object when applied, the same one when ignored). */
export function applyDelta(room: Room, d: SiteDelta): Room {
  if (d.siteId !== room.siteId || d.seq <= room.seq) return room;
  const agents = new Map(room.agents);
  for (const a of d.agents) {
    const before = agents.get(a.id);
    if (before) agents.set(a.id, { ...before, ...a });
  }
  const calls = new Map(room.calls);
  for (const c of d.calls) {
    const before = calls.get(c.id);
    if (before) {
      const next = { ...before, ...c };
      if (c.listeners?.length === 0) delete next.listeners;
      calls.set(c.id, next);
    } else if (isWhole(c)) calls.set(c.id, c);
  }
  for (const id of d.removedCalls) calls.delete(id);
  const alarms = new Map(room.alarms);
  for (const a of d.alarms) alarms.set(a.id, a);
  for (const id of d.clearedAlarms) alarms.delete(id);
  return {
    ...room,
    seq: d.seq,
    serverTime: d.serverTime,
    mode: d.mode,
    period: d.period,
    qs30: d.qs30 ?? room.qs30,
    queues: d.queues,
    lineSwitches: d.lineSwitches,
    agents,
    calls,
    alarms,
  };
}

/** A call sent whole (new to the room); a patch of a call this room never had is ignored. */
const isWhole = (c: SiteDelta['calls'][number]): c is LiveCallView =>
  c.arrivedAt !== undefined && c.direction !== undefined && c.parties !== undefined;
