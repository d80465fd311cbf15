// Property tests of the indicators over random command sequences through the real engine (the
// generator follows tests/unit/core/invariants.test.ts): the counts are consistent with each
// other and with the engine's state, and replaying the exported events gives the same figures.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/commands.js';
import { execute, nextWakeAt } from '../../../src/core/engine.js';
import type { Event } from '../../../src/core/events.js';
import { createIndicators, type Indicators } from '../../../src/core/indicators/accumulator.js';
import type { CallCounts, Figures } from '../../../src/core/indicators/figures.js';
import { liveValues } from '../../../src/core/indicators/live.js';
import { applyIndicatorEvent } from '../../../src/core/indicators/reducer.js';
import { rollUp } from '../../../src/core/indicators/spans.js';
import { initialState, type State } from '../../../src/core/state.js';
import { MONDAY_10H, exampleConfig } from '../core/harness.js';

const config = exampleConfig((c) => {
  for (const a of c.agents as { autoAnswer?: boolean; wrapUpSeconds?: number }[]) {
    a.autoAnswer = false;
    a.wrapUpSeconds = 3;
  }
});
const agentIds = config.agents.map((a) => a.id);
const lines = ['15', '116117', 'sdis', 'pro'];
const dispositions = [undefined, 'conseil-medical', 'consultation', 'envoi-moyens'];

type Action = { kind: number; a: number; b: number; c: number };
const action = fc.record({ kind: fc.nat(19), a: fc.nat(50), b: fc.nat(50), c: fc.nat(10) });
const pick = <T>(list: T[], i: number): T | undefined =>
  list.length === 0 ? undefined : list[i % list.length];

function toCommand(s: State, x: Action, n: number): Command | { advance: number } {
  const calls = Object.values(s.data.calls);
  const call = pick(calls, x.a);
  const agentId = pick(agentIds, x.b)!;
  const live = pick(
    calls.filter((c) => c.parties.length > 0),
    x.a,
  );
  const liveParty = live ? live.parties[x.b % live.parties.length]!.agentId : agentId;
  const o = pick(
    calls.filter((c) => c.pending?.offer),
    x.a,
  );
  switch (x.kind) {
    case 0:
    case 1:
    case 2:
      return { type: 'arriveCall', callId: `c${n}`, line: pick(lines, x.a)!, callerNumber: '0600000000' };
    case 3:
      return call ? { type: 'callerHungUp', callId: call.id } : { advance: 5 };
    case 4:
    case 5:
      return o ? { type: 'answerOffer', callId: o.id, agentId: o.pending!.offer!.agentId } : { advance: 2 };
    case 6:
      return {
        type: 'qualifyCall',
        callId: live?.id ?? 'none',
        agentId: liveParty,
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
      return {
        type: 'hangUp',
        callId: live?.id ?? 'none',
        agentId: liveParty,
        disposition: dispositions[x.c % 4],
      };
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
    case 15:
      return { type: 'dialOut', callId: `o${n}`, agentId, number: '0600000001', purpose: 'callback' };
    default:
      // Up to ~20 min: enough to cross 15-minute intervals and hours.
      return { advance: x.c * x.c * 12 + 1 };
  }
}

/** Runs the commands; the live accumulator is fed command by command, as the shell would. */
function run(actions: Action[]) {
  const s = initialState(config);
  const live = createIndicators(config);
  let now = MONDAY_10H;
  const log: Event[] = [];
  const exec = (cmd: Command) => {
    const r = execute(s, cmd, now);
    if (!r.ok) return;
    log.push(...r.events);
    for (const e of r.events) applyIndicatorEvent(live, e);
  };
  exec({ type: 'timerFired' });
  actions.forEach((x, n) => {
    const cmd = toCommand(s, x, n);
    if (!('advance' in cmd)) return exec(cmd);
    const target = now + cmd.advance * 1000;
    for (let wake = nextWakeAt(s); wake !== undefined && wake <= target; wake = nextWakeAt(s)) {
      now = Math.max(now, wake);
      exec({ type: 'timerFired' });
    }
    now = target;
  });
  return { s, live, log, now };
}

const COUNTERS = [
  'arrived',
  'answered',
  'answeredWithin',
  'answerWaitMs',
  'abandoned',
  'shortAbandoned',
  'redirected',
] as const;

function checkFigures(f: Figures): void {
  const c = f.calls;
  expect(c.answered).toBeLessThanOrEqual(c.arrived);
  expect(c.answeredWithin).toBeLessThanOrEqual(c.answered);
  expect(c.shortAbandoned).toBeLessThanOrEqual(c.abandoned);
  // Answered, abandoned before any answer and redirected before any answer are disjoint.
  expect(c.answered + c.abandoned + c.redirected).toBeLessThanOrEqual(c.arrived);
  for (const [qid, q] of f.queues) {
    expect(q.answered, qid).toBeLessThanOrEqual(q.offered);
    expect(q.answeredWithin, qid).toBeLessThanOrEqual(q.answered);
    expect(q.answered + q.abandoned + q.otherExits, qid).toBeLessThanOrEqual(q.offered);
    expect(q.waitsMs.length).toBe(q.answered);
  }
  // Each dimension's breakdown adds up to the site total, counter by counter.
  for (const dim of ['department', 'line', 'origin', 'mode']) {
    const sum: Record<string, number> = Object.fromEntries(COUNTERS.map((k) => [k, 0]));
    for (const [key, counts] of f.byDimension) {
      if (!key.startsWith(`${dim}:`)) continue;
      for (const k of COUNTERS) sum[k]! += (counts as CallCounts)[k];
    }
    expect(sum, dim).toEqual(Object.fromEntries(COUNTERS.map((k) => [k, c[k]])));
  }
  expect(f.files.drmAmu + f.files.drmMg).toBe(f.files.drm);
  expect(f.n1Orientation.within).toBeLessThanOrEqual(f.n1Orientation.count);
  let byArm = 0;
  for (const t of f.n1OrientationByAgent.values()) byArm += t.count;
  expect(byArm).toBe(f.n1Orientation.count);
}

function totals(acc: Indicators) {
  const year = [...rollUp(acc, 'year').values()];
  return year;
}

describe('indicators over random command sequences', () => {
  it('keep answered ≤ offered, within ≤ answered, breakdowns adding up, in every interval, day and year', () => {
    fc.assert(
      fc.property(fc.array(action, { minLength: 1, maxLength: 150 }), (actions) => {
        const { live, log } = run(actions);
        for (const g of ['interval', 'day', 'year'] as const)
          for (const span of rollUp(live, g).values()) for (const f of Object.values(span)) checkFigures(f);
        // Per queue, summed over branches: the branches add up to the site's queue steps.
        const arrivals = log.filter((e) => e.type === 'CallArrived').length;
        const firstAnswers = new Set(
          log.flatMap((e) =>
            e.type === 'CallConnected' && e.firstAnswer && e.callId.startsWith('c') ? [e.callId] : [],
          ),
        );
        const all = totals(live).map((s) => s.all);
        const answered = all.reduce((n, f) => n + f.calls.answered, 0);
        expect(answered).toBeLessThanOrEqual(arrivals);
        expect(answered).toBe(firstAnswers.size);
        expect(all.reduce((n, f) => n + f.calls.arrived, 0)).toBe(arrivals);
        const offeredByBranch = new Map<string, number>();
        let offered = 0;
        for (const f of all)
          for (const [qid, q] of f.queues) {
            const branch = config.queues.find((x) => x.id === qid)!.branch;
            offeredByBranch.set(branch, (offeredByBranch.get(branch) ?? 0) + q.offered);
            offered += q.offered;
          }
        expect([...offeredByBranch.values()].reduce((a, b) => a + b, 0)).toBe(offered);
        const inboundQueued = log.filter((e) => e.type === 'CallQueued' && e.callId.startsWith('c')).length;
        expect(offered).toBe(inboundQueued);
      }),
      { numRuns: 200 },
    );
  });

  it('agree with the engine on the calls waiting and the agents live', () => {
    fc.assert(
      fc.property(fc.array(action, { minLength: 1, maxLength: 150 }), (actions) => {
        const { s, live, now } = run(actions);
        const v = liveValues(live, now);
        const waiting: Record<string, number> = Object.fromEntries(config.queues.map((q) => [q.id, 0]));
        for (const c of Object.values(s.data.calls)) if (c.pending) waiting[c.pending.queueId]!++;
        expect(v['live.waiting']).toEqual(waiting);
        const agents: Record<string, number> = {};
        for (const a of Object.values(s.data.agents)) {
          const key = `${config.agents.find((x) => x.id === a.id)!.roles[0]}:${a.status}`;
          agents[key] = (agents[key] ?? 0) + 1;
        }
        expect(v['live.agents']).toEqual(agents);
        const p0 = Object.values(s.data.calls).filter((c) => c.qualification === 'P0').length;
        expect(v['live.p0InProgress']).toBe(p0);
      }),
      { numRuns: 150 },
    );
  });

  it('are rebuilt exactly by replaying the exported (JSON-lines) events', () => {
    fc.assert(
      fc.property(fc.array(action, { minLength: 1, maxLength: 150 }), (actions) => {
        const { live, log } = run(actions);
        const exported = log.map((e) => JSON.stringify(e)).join('\n');
        const replayed = createIndicators(config);
        for (const line of exported.split('\n')) applyIndicatorEvent(replayed, JSON.parse(line) as Event);
        expect(replayed).toEqual(live);
      }),
      { numRuns: 100 },
    );
  });
});
