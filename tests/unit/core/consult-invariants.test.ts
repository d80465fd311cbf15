// Property: a consultative outside transfer never loses or doubles the caller (fast-check). The
// shared random generator (random-commands.ts) plays calls through the whole site while about a
// third of the steps drive consultations: started from a connected call, answered, completed
// (transfer or three-way), cancelled, the number ending, the caller hanging up, the agent's phone
// dropping, sometimes by the wrong agent. After every step: each call that arrived is live or ended
// once; a live caller is with an agent, waiting, or handed over; a running consultation's caller is
// with its consulting agent; a caller is handed to the number only by the agent's completion; no
// agent holds two calls; a rejection changes nothing; the log replays to the same state. Steps of
// their own drive blind outside transfers, cancelled by their agent or a wrong one: a cancelled
// one leaves the caller with its agent and the number's call ended.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/commands.js';
import { execute, nextWakeAt } from '../../../src/core/engine.js';
import type { Event } from '../../../src/core/events.js';
import { evolve } from '../../../src/core/evolve.js';
import type { Call } from '../../../src/core/model.js';
import { initialState, type State } from '../../../src/core/state.js';
import {
  action,
  agentIds,
  randomConfig,
  STARTS,
  toCommand,
  type Action,
  type Step,
} from './random-commands.js';

type ConsultAction = { consult: number; a: number; b: number };
type BlindAction = { blind: number; a: number; b: number };
type Mixed = Action | ConsultAction | BlindAction;

// Consultation steps as often as before, plus blind outside transfer steps of their own.
const mixed: fc.Arbitrary<Mixed> = fc.oneof(
  { arbitrary: action, weight: 4 },
  { arbitrary: fc.record({ consult: fc.nat(99), a: fc.nat(999), b: fc.nat(99) }), weight: 2 },
  { arbitrary: fc.record({ blind: fc.nat(99), a: fc.nat(999), b: fc.nat(99) }), weight: 1 },
);

function pick<T>(list: readonly T[], i: number): T | undefined {
  return list.length === 0 ? undefined : list[i % list.length];
}

/** A consultation step against the current state (sometimes a wrong one on purpose). */
function consultCommand(s: State, x: ConsultAction, n: number): Step {
  const calls = Object.values(s.data.calls);
  const consults = calls.filter((c) => c.consultFrom !== undefined);
  const out = pick(consults, x.a);
  const wrong = x.b < 5;
  const agentOf = (c: Call) => (wrong ? pick(agentIds, x.a)! : c.consultFrom!);
  if (x.consult < 30 || !out) {
    const from = pick(
      calls.filter((c) => c.direction === 'inbound' && c.parties.length > 0),
      x.a,
    );
    if (!from) return { advance: 1 };
    return {
      type: 'dialOut',
      callId: `k${n}`,
      agentId: wrong ? pick(agentIds, x.a)! : from.parties[x.b % from.parties.length]!.agentId,
      number: '18',
      purpose: 'external-transfer',
      parentCallId: from.id,
      consult: true,
      ...(x.b === 7 ? { handOver: true } : {}),
    };
  }
  const parent = out.parentCallId!;
  if (x.consult < 50) return { type: 'outsideAnswered', callId: out.id };
  if (x.consult < 62)
    return {
      type: 'completeConsultation',
      callId: parent,
      agentId: agentOf(out),
      ...(x.b % 3 === 0 ? { mode: 'conference' as const } : {}),
    };
  if (x.consult < 72) return { type: 'cancelConsultation', callId: parent, agentId: agentOf(out) };
  if (x.consult < 82) return { type: 'callerHungUp', callId: out.id }; // busy, no answer, hung up
  if (x.consult < 90) return { type: 'callerHungUp', callId: parent };
  if (x.consult < 96) return { type: 'agentLegLost', callId: parent, agentId: agentOf(out) };
  return { type: 'hangUp', callId: parent, agentId: agentOf(out) };
}

/** A blind outside transfer step: one that rings is cancelled by its agent (or a wrong one),
 *  answered, or failed; else, half the time, one is placed from a connected call. */
function blindCommand(s: State, x: BlindAction, n: number): Step {
  const calls = Object.values(s.data.calls);
  const ringing = calls.filter(
    (c) =>
      c.handOverFrom !== undefined &&
      s.data.calls[c.parentCallId!]?.parties.some((p) => p.agentId === c.handOverFrom),
  );
  const blind = pick(ringing, x.a);
  if (blind && x.blind < 55)
    return {
      type: 'cancelOutsideTransfer',
      callId: blind.parentCallId!,
      agentId: x.b >= 90 ? pick(agentIds, x.a)! : blind.handOverFrom!,
    };
  if (blind && x.blind < 75) return { type: 'outsideAnswered', callId: blind.id };
  if (blind) return { type: 'callerHungUp', callId: blind.id };
  const from = pick(
    calls.filter((c) => c.direction === 'inbound' && c.parties.length > 0),
    x.a,
  );
  if (from && x.blind < 50)
    return {
      type: 'dialOut',
      callId: `b${n}`,
      agentId: from.parties[x.b % from.parties.length]!.agentId,
      number: '18',
      purpose: 'external-transfer',
      parentCallId: from.id,
      handOver: true,
    };
  return { advance: 1 };
}

type Book = { arrived: Set<string>; ended: Set<string>; consulting: Map<string, string> };

function check(s: State, book: Book, events: Event[]): void {
  const d = s.data;
  for (const e of events) {
    if (e.type === 'CallArrived' || e.type === 'OutboundCallPlaced') book.arrived.add(e.callId);
    if (e.type !== 'CallEnded') continue;
    expect(book.ended.has(e.callId), `${e.callId} ended twice`).toBe(false);
    book.ended.add(e.callId);
  }
  for (const id of book.arrived)
    expect(Boolean(d.calls[id]) !== book.ended.has(id), `call ${id} lost or both live and ended`).toBe(true);
  const calls = Object.values(d.calls);
  const holders = new Map<string, string>();
  for (const call of calls) {
    const handedOver = calls.some((o) => o.parentCallId === call.id && o.handOverFrom !== undefined);
    if (call.direction === 'inbound')
      expect(
        call.pending !== null || call.parties.length > 0 || handedOver,
        `caller ${call.id} is nowhere`,
      ).toBe(true);
    for (const p of call.parties) {
      expect(holders.has(p.agentId), `agent ${p.agentId} holds two calls`).toBe(false);
      holders.set(p.agentId, call.id);
      expect(d.agents[p.agentId]).toMatchObject({ status: 'on-call', callId: call.id });
    }
    if (call.consultFrom === undefined) continue;
    // A running consultation: its caller is with the consulting agent, on hold, not waiting.
    const parent = d.calls[call.parentCallId!];
    expect(parent, `consultation ${call.id} without its call`).toBeDefined();
    expect(
      parent!.parties.some((p) => p.agentId === call.consultFrom),
      `${call.id}: agent left`,
    ).toBe(true);
    expect(parent!.pending, `${call.id}: its caller waits in a queue`).toBeNull();
    expect(call.parties).toEqual([]);
    expect(calls.filter((o) => o.parentCallId === parent!.id && o.consultFrom !== undefined)).toHaveLength(1);
  }
  // Handed to the number only by the consulting agent's completion.
  for (const [outId, agentId] of book.consulting) {
    const out = d.calls[outId];
    if (out?.handOverFrom === undefined) continue;
    expect(
      events.some(
        (e) =>
          e.type === 'ConsultationCompleted' &&
          e.outCallId === outId &&
          e.mode === 'transfer' &&
          e.agentId === agentId,
      ),
      `${outId} handed over without the agent's completion`,
    ).toBe(true);
  }
  // A caller whose agent's phone dropped during a consultation waits again (or stays with another
  // agent of the call), never with the number.
  for (const e of events) {
    const call = e.type === 'ConsultationEnded' && e.reason === 'leg-lost' ? d.calls[e.callId] : undefined;
    if (!call) continue;
    expect(call.pending !== null || call.parties.length > 0, `${call.id} after a lost leg`).toBe(true);
    expect(calls.some((o) => o.parentCallId === call.id && o.handOverFrom !== undefined)).toBe(false);
  }
  // A cancelled blind transfer: the number's call is gone, the caller still with that agent.
  for (const e of events) {
    if (e.type !== 'OutsideTransferCancelled') continue;
    expect(d.calls[e.outCallId], `${e.outCallId} outlived its cancel`).toBeUndefined();
    expect(
      d.calls[e.callId]?.parties.some((p) => p.agentId === e.agentId),
      `${e.callId} after cancel`,
    ).toBe(true);
  }
  book.consulting = new Map(
    calls.filter((c) => c.consultFrom !== undefined).map((c) => [c.id, c.consultFrom!]),
  );
}

type Run = { start: number; logins: string[]; steps: Mixed[] };
const runs: fc.Arbitrary<Run> = fc.record({
  start: fc.constantFrom(...STARTS),
  logins: fc.subarray(agentIds, { minLength: 4 }),
  steps: fc.array(mixed, { minLength: 80, maxLength: 220, size: 'max' }),
});

function play(run: Run, seen: Map<string, number>): void {
  const s = initialState(randomConfig);
  let now = run.start;
  const log: Event[] = [];
  const book: Book = { arrived: new Set(), ended: new Set(), consulting: new Map() };
  const exec = (cmd: Command): Event[] => {
    const before = JSON.stringify(s.data);
    const r = execute(s, cmd, now);
    if (!r.ok) {
      expect(JSON.stringify(s.data), `rejected ${cmd.type} (${r.reason}) changed the state`).toBe(before);
      return [];
    }
    log.push(...r.events);
    for (const e of r.events) {
      const key =
        e.type === 'ConsultationEnded'
          ? `${e.type}:${e.reason}`
          : e.type === 'ConsultationCompleted'
            ? `${e.type}:${e.mode}`
            : e.type;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    return r.events;
  };
  const step = (st: Step): void => {
    let events: Event[] = [];
    if ('advance' in st) {
      const target = now + st.advance * 1000;
      for (let wake = nextWakeAt(s); wake !== undefined && wake <= target; wake = nextWakeAt(s)) {
        now = Math.max(now, wake);
        events = events.concat(exec({ type: 'timerFired' }));
      }
      now = target;
    } else events = exec(st);
    check(s, book, events);
  };
  exec({ type: 'timerFired' });
  for (const agentId of run.logins) step({ type: 'agentLogin', agentId });
  run.steps.forEach((x, n) =>
    step(
      'consult' in x
        ? consultCommand(s, x, n)
        : 'blind' in x
          ? blindCommand(s, x, n)
          : toCommand(s, x, n, now),
    ),
  );
  const replayed = initialState(randomConfig);
  for (const e of log) evolve(replayed, e);
  expect(replayed.data).toEqual(s.data);
}

describe('a consultation never loses or doubles the caller', () => {
  it('holds over random runs mixing consultations with the whole site', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(runs, (run) => play(run, seen)),
      { numRuns: Number(process.env.CONSULT_RUNS ?? 100), endOnFailure: true },
    );
    // The runs did exercise every way out: at least once each (the rarest, the three-way, is seen
    // 3–12 times in 100 random runs; a minimum of 5 failed CI once at 3).
    for (const key of [
      'ConsultationAnswered',
      'ConsultationCompleted:transfer',
      'ConsultationCompleted:conference',
      'ConsultationEnded:cancelled',
      'ConsultationEnded:outside-ended',
      'ConsultationEnded:leg-lost',
      'ConsultationKept',
      'OutsideTransferCancelled',
    ])
      expect(seen.get(key) ?? 0, key).toBeGreaterThanOrEqual(1);
  });
});
