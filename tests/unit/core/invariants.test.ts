// Property-based tests of the routing invariants over random command sequences (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/commands.js';
import { execute, nextWakeAt } from '../../../src/core/engine.js';
import type { Event } from '../../../src/core/events.js';
import { evolve } from '../../../src/core/evolve.js';
import { initialState, type State } from '../../../src/core/state.js';
import { MONDAY_10H, exampleConfig } from './harness.js';

// Agents answer by hand here (no auto-answer) so that offers, ring-no-answer and races show up.
const config = exampleConfig((c) => {
  for (const a of c.agents as { autoAnswer?: boolean; wrapUpSeconds?: number }[]) {
    a.autoAnswer = false;
    a.wrapUpSeconds = 3;
  }
});
const agentIds = config.agents.map((a) => a.id);
const lines = ['15', '116117', 'sdis', 'pro'];

type Action = { kind: number; a: number; b: number; c: number };
const action = fc.record({ kind: fc.nat(18), a: fc.nat(50), b: fc.nat(50), c: fc.nat(10) });

function pick<T>(list: T[], i: number): T | undefined {
  return list.length === 0 ? undefined : list[i % list.length];
}

/** Turns an abstract action into a concrete command against the current state (sometimes a wrong one on purpose). */
function toCommand(s: State, x: Action, n: number): Command | { advance: number } {
  const calls = Object.values(s.data.calls);
  const call = pick(calls, x.a);
  const agentId = pick(agentIds, x.b)!;
  const partyOf = call?.parties.length ? call.parties[x.b % call.parties.length]!.agentId : agentId;
  const connected = calls.filter((c) => c.parties.length > 0);
  const live = pick(connected, x.a);
  const liveParty = live ? live.parties[x.b % live.parties.length]!.agentId : agentId;
  const offered = calls.filter((c) => c.pending?.offer);
  const o = pick(offered, x.a);
  switch (x.kind) {
    case 0:
    case 1:
    case 2:
      return {
        type: 'arriveCall',
        callId: `c${n}`,
        line: pick(lines, x.a)!,
        callerNumber: x.c === 0 ? null : '0600000000',
      };
    case 3:
      return call ? { type: 'callerHungUp', callId: call.id } : { advance: 5 };
    case 4:
    case 5:
      return o
        ? { type: 'answerOffer', callId: o.id, agentId: x.c === 0 ? agentId : o.pending!.offer!.agentId }
        : { advance: 2 };
    case 6:
      return {
        type: 'qualifyCall',
        callId: live?.id ?? call?.id ?? 'none',
        agentId: x.c === 9 ? agentId : liveParty,
        qualification: (['P0', 'P1', 'P2', 'DR', 'P1'] as const)[x.c % 5]!,
      };
    case 7:
      return {
        type: 'transferCall',
        callId: live?.id ?? 'none',
        agentId: liveParty,
        mode: x.c % 3 === 0 ? 'warm' : 'blind',
        to: x.c > 6 ? pick(config.queues, x.c)!.id : undefined,
      };
    case 8:
      return { type: 'hangUp', callId: live?.id ?? partyOf, agentId: liveParty };
    case 9:
      return { type: 'bringInDoctor', callId: live?.id ?? 'none', agentId: liveParty };
    case 10:
      return { type: 'agentLogin', agentId };
    case 11:
      return x.c < 3 ? { type: 'agentLogout', agentId } : { type: 'agentReady', agentId };
    case 12:
      return { type: 'agentPause', agentId, reason: 'pause' };
    case 13:
      return o
        ? { type: 'offerFailed', callId: o.id, agentId: o.pending!.offer!.agentId, reason: 'busy' }
        : { advance: 1 };
    case 14:
      return x.c < 2
        ? { type: 'setMode', mode: x.c === 0 ? 'one-level' : null }
        : { type: 'acceptCallback', callId: call?.id ?? 'none' };
    default:
      return { advance: x.c * 7 + 1 };
  }
}

function checkInvariants(s: State, log: Event[], offeredNow: Event[]): void {
  const d = s.data;
  // Every call that arrived is live or ended exactly once; nothing ends twice.
  const arrived = new Set(
    log.filter((e) => e.type === 'CallArrived').map((e) => (e as { callId: string }).callId),
  );
  const ended = log.filter((e) => e.type === 'CallEnded').map((e) => (e as { callId: string }).callId);
  expect(new Set(ended).size).toBe(ended.length);
  for (const id of arrived)
    expect(Boolean(d.calls[id]) !== ended.includes(id), `call ${id} lost or both live and ended`).toBe(true);
  const holders = new Map<string, string>();
  for (const call of Object.values(d.calls)) {
    if (call.direction === 'inbound')
      expect(call.pending !== null || call.parties.length > 0, `call ${call.id} is nowhere`).toBe(true);
    for (const p of call.parties) {
      expect(holders.has(p.agentId), `agent ${p.agentId} holds two calls`).toBe(false);
      holders.set(p.agentId, call.id);
      expect(d.agents[p.agentId]!.status).toBe('on-call');
      const q = s.idx.queues.get(p.queueId)!;
      expect(q.roles.includes(p.role), `${p.role} serving ${q.id}`).toBe(true);
    }
    const offer = call.pending?.offer;
    if (offer) {
      expect(holders.has(offer.agentId), `agent ${offer.agentId} offered while holding a call`).toBe(false);
      holders.set(offer.agentId, call.id);
      expect(d.agents[offer.agentId]).toMatchObject({ status: 'offered', callId: call.id });
    }
  }
  for (const a of Object.values(d.agents)) {
    if (a.status === 'on-call' || a.status === 'offered')
      expect(holders.get(a.id), `agent ${a.id} ${a.status}`).toBeDefined();
    else expect(holders.has(a.id)).toBe(false);
    // No idle agent while a call it serves directly waits.
    if (a.status === 'available') {
      for (const skill of a.skills)
        expect(s.idx.waiting.get(skill.queue)!.length, `${a.id} idle while ${skill.queue} waits`).toBe(0);
    }
  }
  // Priority: a call offered in this command is never behind a call still waiting in that queue.
  for (const e of offeredNow) {
    if (e.type !== 'CallOffered' || !d.calls[e.callId]) continue;
    const c = d.calls[e.callId]!;
    const served = d.agents[e.agentId]!.skills.some((k) => k.queue === e.queueId);
    if (!served) continue;
    for (const w of s.idx.waiting.get(e.queueId)!.entries) {
      const ahead = w.priority > c.priority || (w.priority === c.priority && w.arrivedAt < c.arrivedAt);
      expect(ahead, `${w.callId} waits ahead of offered ${c.id}`).toBe(false);
    }
  }
}

function runSequence(actions: Action[]) {
  const s = initialState(config);
  let now = MONDAY_10H;
  const log: Event[] = [];
  const exec = (cmd: Command) => {
    const before = JSON.stringify(s.data);
    const r = execute(s, cmd, now);
    if (r.ok) log.push(...r.events);
    else expect(JSON.stringify(s.data), `rejected ${cmd.type} changed the state`).toBe(before);
    return r;
  };
  exec({ type: 'timerFired' });
  actions.forEach((x, n) => {
    const cmd = toCommand(s, x, n);
    let events: Event[] = [];
    if ('advance' in cmd) {
      const target = now + cmd.advance * 1000;
      for (let wake = nextWakeAt(s); wake !== undefined && wake <= target; wake = nextWakeAt(s)) {
        now = Math.max(now, wake);
        const r = exec({ type: 'timerFired' });
        if (r.ok) events = events.concat(r.events);
      }
      now = target;
    } else {
      const r = exec(cmd);
      if (r.ok) events = r.events;
    }
    checkInvariants(s, log, events);
  });
  return { s, log };
}

describe('routing invariants over random command sequences', () => {
  it('never loses or duplicates a call, never gives an agent two calls, never offers a call twice, respects priority and roles', () => {
    fc.assert(
      fc.property(fc.array(action, { minLength: 1, maxLength: 150 }), (actions) => void runSequence(actions)),
      {
        numRuns: 250,
      },
    );
  });

  it('rebuilds exactly the live state by replaying the events through evolve', () => {
    fc.assert(
      fc.property(fc.array(action, { minLength: 1, maxLength: 150 }), (actions) => {
        const { s, log } = runSequence(actions);
        const replayed = initialState(config);
        for (const e of log) evolve(replayed, e);
        expect(replayed.data).toEqual(s.data);
        // The derived indexes agree too: same waiting order in every queue.
        for (const [q, list] of s.idx.waiting)
          expect(replayed.idx.waiting.get(q)!.entries).toEqual(list.entries);
      }),
      { numRuns: 100 },
    );
  });
});
