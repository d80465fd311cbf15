// One run of the digital twin: a discrete-event simulation that drives the routing engine of
// src/core (the same `execute`, no second implementation of the rules) in virtual time. The twin
// plays telephony (calls arrive, phones answer after `ringSeconds`, callers hang up when their
// patience runs out), the agents (each plays a call with the shared agent script the live bots use,
// simulator/agent-script, with the talk times of the call's trace row) and the room (seats filled hour by hour). Every
// engine event goes through the indicators reducer, so the twin counts as the live ACD does.
import type { Command } from '../../src/core/commands.js';
import { execute, nextWakeAt } from '../../src/core/engine.js';
import type { Event } from '../../src/core/events.js';
import { createIndicators, type Indicators } from '../../src/core/indicators/accumulator.js';
import { applyIndicatorEvent } from '../../src/core/indicators/reducer.js';
import { initialState, type State } from '../../src/core/state.js';
import {
  afterPartyLeft,
  afterTalk,
  siteTargets,
  stepOnConnect,
  talkSeconds,
  type AgentStep,
} from '../agent-script/agent-script.js';
import { retrialOf } from '../traffic/retrial.js';
import type { Scenario, Step } from '../traffic/scenario.js';
import type { TraceCall } from '../traffic/trace.js';
import { EventHeap } from './event-heap.js';
import { addSpan } from './hourly.js';
import type { TwinSite } from './site.js';

/** Monday 5 January 2026, 00:00 in Paris: the twin's day 0 (any Monday would do). */
export const TWIN_EPOCH = Date.UTC(2026, 0, 4, 23, 0);
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** After the horizon, the twin lets calls in progress finish for at most this long. */
export const DRAIN_MS = DAY_MS;

// What the twin has scheduled: `at` (epoch ms) and `seq` (set by the heap) order the agenda.
type Happening = { at: number; seq: number } & (
  | { kind: 'retrial'; call: TraceCall; attempt: number }
  | { kind: 'patience'; callId: string; queueSeq: number }
  | { kind: 'answer'; callId: string; agentId: string }
  | { kind: 'done'; callId: string; agentId: string; what: AgentStep }
);

type LiveCall = { row: TraceCall; attempt: number };

export type TwinRun = {
  /** The indicators reducer fed with every engine event of the run. */
  indicators: Indicators;
  start: number;
  horizonMs: number;
  /** Simulated time when the run stopped (horizon + drain). */
  endedAt: number;
  firstAttempts: number;
  retrials: number;
  /** Calls still in progress when the drain stopped (waiting for a step nobody staffs). */
  stillInProgress: number;
  /** Of which never answered. */
  stillUnanswered: number;
  /** Per step, per hour from the start: agent time on calls or in wrap-up, and logged-in time (ms). */
  busyMs: Record<string, number[]>;
  loggedInMs: Record<string, number[]>;
  engineCommands: number;
  engineEvents: number;
};

export type SimulateOptions = {
  /** Called now and then with the simulated time reached (seconds) and the horizon. */
  onProgress?: (seconds: number, horizonSeconds: number) => void;
};

const ms = (seconds: number) => Math.round(seconds * 1000);

/** Runs the scenario's calls (first attempts, in arrival order) through the site; see docs/twin.md. */
export function simulate(
  s: Scenario,
  site: TwinSite,
  calls: readonly TraceCall[],
  options: SimulateOptions = {},
): TwinRun {
  const config = site.config;
  const state: State = initialState(config);
  const acc = createIndicators(config);
  const start = TWIN_EPOCH + ((s.arrivals.startDayOfWeek ?? 1) - 1) * DAY_MS;
  const horizonMs = ms(s.hours * 3600);
  const endCap = start + horizonMs + DRAIN_MS;
  const heap = new EventHeap<Happening>();
  const live = new Map<string, LiveCall>();
  const targets = siteTargets(config);
  const stepOfAgent = new Map<string, Step>();
  for (const t of site.teams) for (const id of t.agentIds) stepOfAgent.set(id, t.step);
  const hours = Math.ceil(horizonMs / HOUR_MS) + Math.ceil(DRAIN_MS / HOUR_MS) + 1;
  const busyMs: Record<string, number[]> = {};
  const loggedInMs: Record<string, number[]> = {};
  for (const t of site.teams) {
    busyMs[t.step] = new Array<number>(hours).fill(0);
    loggedInMs[t.step] = new Array<number>(hours).fill(0);
  }
  const loginAt = new Map<string, number>();
  const leaving = new Set<string>();
  const ringMs = ms(s.ringSeconds);
  let now = start;
  let retrials = 0;
  let retrialIds = 0;
  let commands = 0;
  let eventCount = 0;

  // Commands to run at the current instant once the events of the previous one are handled.
  const immediate: Command[] = [];

  const exec = (cmd: Command): void => {
    commands++;
    const r = execute(state, cmd, now);
    if (!r.ok) throw new Error(`twin: the engine refused ${cmd.type} at ${now - start} ms: ${r.message}`);
    eventCount += r.events.length;
    for (const e of r.events) {
      applyIndicatorEvent(acc, e);
      react(e);
    }
  };

  const react = (e: Event): void => {
    switch (e.type) {
      case 'CallQueued': {
        if (e.kind !== 'queue') return;
        const c = live.get(e.callId);
        const call = state.data.calls[e.callId];
        // Patience restarts at each queue step: each wait is compared to the caller's patience.
        if (c && c.row.patienceS !== null && call?.pending)
          heap.push({
            at: now + ms(c.row.patienceS),
            seq: 0,
            kind: 'patience',
            callId: e.callId,
            queueSeq: call.pending.seq,
          });
        return;
      }
      case 'CallOffered':
        if (ringMs === 0) immediate.push({ type: 'answerOffer', callId: e.callId, agentId: e.agentId });
        else heap.push({ at: now + ringMs, seq: 0, kind: 'answer', callId: e.callId, agentId: e.agentId });
        return;
      case 'CallConnected': {
        const c = live.get(e.callId);
        if (!c) return;
        const what = stepOnConnect(e);
        heap.push({
          at: now + ms(talkSeconds(c.row, what)),
          seq: 0,
          kind: 'done',
          callId: e.callId,
          agentId: e.agentId,
          what,
        });
        return;
      }
      case 'CallEnded': {
        const c = live.get(e.callId);
        live.delete(e.callId);
        if (c && e.outcome === 'abandoned' && !e.answered) {
          const again = retrialOf(s, c.row, (now - start) / 1000, c.attempt);
          if (again) {
            retrials++;
            heap.push({
              at: start + ms(again.arrivalS),
              seq: 0,
              kind: 'retrial',
              call: again,
              attempt: c.attempt + 1,
            });
          }
        }
        return;
      }
      case 'AgentLeftCall': {
        const step = stepOfAgent.get(e.agentId);
        if (step) addSpan(busyMs[step]!, e.at - e.talkMs - start, e.at - start);
        if (leaving.has(e.agentId)) immediate.push({ type: 'agentLogout', agentId: e.agentId });
        return;
      }
      case 'AgentWrapUpStarted': {
        const step = stepOfAgent.get(e.agentId);
        if (step) addSpan(busyMs[step]!, e.at - start, e.until - start);
        return;
      }
      case 'AgentLoggedIn':
        loginAt.set(e.agentId, e.at);
        return;
      case 'AgentLoggedOut': {
        leaving.delete(e.agentId);
        const step = stepOfAgent.get(e.agentId);
        const from = loginAt.get(e.agentId);
        loginAt.delete(e.agentId);
        if (step && from !== undefined) addSpan(loggedInMs[step]!, from - start, e.at - start);
        return;
      }
      default:
        return;
    }
  };

  // Runs a command and then whatever it made due at once (answers of auto-answer phones, logouts).
  const run = (cmd: Command): void => {
    exec(cmd);
    while (immediate.length > 0) {
      const next = immediate.shift()!;
      if (stillValid(next)) exec(next);
    }
  };

  const stillValid = (cmd: Command): boolean => {
    if (cmd.type === 'answerOffer')
      return state.data.calls[cmd.callId]?.pending?.offer?.agentId === cmd.agentId;
    if (cmd.type === 'agentLogout') {
      const st = state.data.agents[cmd.agentId]?.status;
      return leaving.has(cmd.agentId) && st !== undefined && st !== 'logged-out' && st !== 'on-call';
    }
    return true;
  };

  const arrive = (row: TraceCall, id: string, attempt: number) => {
    live.set(id, { row, attempt });
    run({
      type: 'arriveCall',
      callId: id,
      line: row.line,
      callerNumber: row.caller || null,
      department: row.department ?? undefined,
    });
  };

  const staffHour = (hour: number) => {
    for (const t of site.teams) {
      const seats = t.seatsByHour[hour % 24]!;
      t.agentIds.forEach((id, i) => {
        const status = state.data.agents[id]!.status;
        if (i < seats) {
          leaving.delete(id);
          if (status === 'logged-out') run({ type: 'agentLogin', agentId: id });
        } else if (status === 'on-call') {
          leaving.add(id); // an agent on a call logs out after it
        } else if (status !== 'logged-out') {
          leaving.add(id);
          run({ type: 'agentLogout', agentId: id });
        }
      });
    }
  };

  // Each agent plays its part as the shared agent script says (simulator/agent-script).
  const stepDone = (callId: string, agentId: string, what: AgentStep) => {
    const call = state.data.calls[callId];
    if (!call?.parties.some((p) => p.agentId === agentId)) return;
    const row = live.get(callId)!.row;
    const turn = afterTalk(targets, call, row, what, agentId);
    for (const command of turn.commands) run(command);
    if (turn.then)
      heap.push({
        at: now + ms(turn.then.afterSeconds),
        seq: 0,
        kind: 'done',
        callId,
        agentId,
        what: turn.then.step,
      });
    // Whoever is left on the call reacts (the ARM who kept a P0 ends it once the doctor is done).
    for (const p of [...(state.data.calls[callId]?.parties ?? [])]) {
      const still = state.data.calls[callId];
      if (still) for (const command of afterPartyLeft(targets, still, p.agentId)) run(command);
    }
  };

  const fire = (h: Happening) => {
    switch (h.kind) {
      case 'retrial':
        arrive(h.call, `r${++retrialIds}`, h.attempt); // ids unique even for withheld callers
        return;
      case 'patience': {
        const call = state.data.calls[h.callId];
        if (call?.pending?.seq === h.queueSeq && call.parties.length === 0)
          run({ type: 'callerHungUp', callId: h.callId });
        return;
      }
      case 'answer':
        if (state.data.calls[h.callId]?.pending?.offer?.agentId === h.agentId)
          run({ type: 'answerOffer', callId: h.callId, agentId: h.agentId });
        return;
      case 'done':
        stepDone(h.callId, h.agentId, h.what);
        return;
    }
  };

  run({ type: 'timerFired' });
  // Staff changes on the hour are kept out of the agenda: a year's 8,760 of them made every push and
  // pop of the heap walk 13 levels instead of a few (the heap's items are of several shapes, so each
  // comparison is costly). They run before anything else on the agenda due at the same instant, as
  // they did when they were scheduled first.
  const staffedHours = Math.ceil(horizonMs / HOUR_MS);
  let staffed = 0;
  const staffAtOf = (h: number) => (h < staffedHours ? start + h * HOUR_MS : Infinity);
  let staffAt = staffAtOf(0);

  let next = 0;
  let progressAt = 0;
  // The next first attempt's time, worked out once per call rather than once per happening.
  const arrivalOf = (i: number) => (i < calls.length ? start + ms(calls[i]!.arrivalS) : Infinity);
  let arrivalAt = arrivalOf(0);
  for (;;) {
    const heapAt = heap.peekAt();
    const wake = nextWakeAt(state) ?? Infinity;
    const t = Math.min(arrivalAt, staffAt, heapAt, wake);
    if (t === Infinity || t > endCap) break;
    if (arrivalAt === Infinity && staffAt === Infinity && heap.size === 0 && live.size === 0) break;
    now = Math.max(now, t);
    // Engine deadlines first, then staff changes, the agenda (answers, talk ends), then arrivals.
    if (wake <= t) run({ type: 'timerFired' });
    else if (staffAt <= t) {
      staffHour(staffed);
      staffed++;
      staffAt = staffAtOf(staffed);
    } else if (heapAt <= t) fire(heap.pop()!);
    else {
      const row = calls[next]!;
      arrive(row, `c${next}`, 1);
      next++;
      arrivalAt = arrivalOf(next);
    }
    if (options.onProgress && now - progressAt >= 6 * HOUR_MS) {
      progressAt = now;
      options.onProgress(Math.min(horizonMs, now - start) / 1000, horizonMs / 1000);
    }
  }
  const endedAt = now;
  for (const [agentId, from] of loginAt) {
    const step = stepOfAgent.get(agentId);
    if (step) addSpan(loggedInMs[step]!, from - start, endedAt - start);
  }
  options.onProgress?.(horizonMs / 1000, horizonMs / 1000);
  return {
    indicators: acc,
    start,
    horizonMs,
    endedAt,
    firstAttempts: calls.length,
    retrials,
    stillInProgress: live.size,
    stillUnanswered: [...live.keys()].filter((id) => state.data.calls[id]?.firstAnsweredAt === null).length,
    busyMs,
    loggedInMs,
    engineCommands: commands,
    engineEvents: eventCount,
  };
}
