// The random command generator of the property tests, in one place: the routing invariants
// (invariants.test.ts), and the call detail records (tests/unit/indicators/cdr.test.ts) drive the
// real engine with it. A run logs a few agents in, then plays a long list of abstract actions; each
// action is turned into a concrete command against the current state, so that most commands make
// sense (an offered call is answered by the agent it rings, a connected call is qualified by its
// ARM, transferred where its step allows, …) and a few are wrong on purpose. The kinds are
// weighted so that calls flow through N1, N2, the doctors and the MG path, with abandons,
// ring-no-answer, wrap-up, deadlines and alarms, supervisor moves and mode changes. `Coverage`
// counts what a whole property run exercised, so that a generator that degenerates fails loudly.
import fc from 'fast-check';
import type { Command } from '../../../src/core/commands.js';
import { execute, nextWakeAt, type Result } from '../../../src/core/engine.js';
import type { Event } from '../../../src/core/events.js';
import type { Call, Skill } from '../../../src/core/model.js';
import { initialState, type State } from '../../../src/core/state.js';
import { MONDAY_10H, exampleConfig } from './harness.js';

/** The example site with phones answered by hand (no auto-answer), so that offers, ring-no-answer
 *  and races show up, and a short wrap-up. Ring-no-answer is the default 15 s. */
export const randomConfig = exampleConfig((c) => {
  for (const a of c.agents as { autoAnswer?: boolean; wrapUpSeconds?: number }[]) {
    a.autoAnswer = false;
    a.wrapUpSeconds = 3;
  }
});
const config = randomConfig;
export const agentIds = config.agents.map((a) => a.id);

/** Where a run starts (Paris times, March 2026 is UTC+1): SAS hours; 20 min before PDSA hours
 *  begin on a weekday evening; a quarter of an hour before Saturday noon. */
export const STARTS = [
  MONDAY_10H,
  Date.UTC(2026, 2, 2, 18, 40), // Monday 19:40
  Date.UTC(2026, 2, 7, 10, 45), // Saturday 11:45
] as const;

/** Personal data the commands carry (the CDR tests check none of it leaks). */
export type Personal = {
  caller: { callerNumber: string; callerName: string };
  drm: { name: string; phone: string };
  dialled: string;
};
const DEFAULT_PERSONAL: Personal = {
  caller: { callerNumber: '0600000000', callerName: 'Appelant Test' },
  drm: { name: 'Patient Test', phone: '0600000002' },
  dialled: '0600000001',
};

// The weights decide what a run looks like: answers and arrivals dominate, with enough agent
// commands for calls to move on and enough waiting for the deadlines to fire.
const KINDS = {
  arrive: 7,
  answer: 18,
  offerFailed: 2,
  qualify: 8,
  transfer: 8,
  doctor: 2,
  hangUp: 7,
  callerHangUp: 3,
  legLost: 1,
  login: 2,
  ready: 6,
  logout: 1,
  pause: 1,
  move: 1,
  mode: 1,
  callback: 3,
  dialOut: 1,
  line: 1,
  wait: 9,
  longWait: 1,
  noise: 2,
} as const;
export type Kind = keyof typeof KINDS;

/** One abstract action: a kind and three numbers used to pick among what the state offers. */
export type Action = { kind: Kind; a: number; b: number; c: number };

export const action: fc.Arbitrary<Action> = fc.record({
  kind: fc.oneof(
    ...Object.entries(KINDS).map(([k, weight]) => ({ arbitrary: fc.constant(k as Kind), weight })),
  ),
  a: fc.nat(999),
  b: fc.nat(999),
  c: fc.nat(99),
});

export type RandomRun = { start: number; logins: string[]; actions: Action[] };

/** A run: a start time, the agents logged in first, then the actions (long runs: size 'max'). */
export function randomRun(opts: { minLength?: number; maxLength?: number } = {}): fc.Arbitrary<RandomRun> {
  return fc.record({
    start: fc.constantFrom(...STARTS),
    logins: fc.subarray(agentIds),
    actions: fc.array(action, {
      minLength: opts.minLength ?? 80,
      maxLength: opts.maxLength ?? 250,
      size: 'max',
    }),
  });
}

export type Step = Command | { advance: number };

function pick<T>(list: readonly T[], i: number): T | undefined {
  return list.length === 0 ? undefined : list[i % list.length];
}

// Sensible targets of a transfer beyond N1, by the queue the agent serves the call in (undefined
// = the engine's default). MG → AMU is a reorientation; AMU → MG hands a call to the GP side.
const TRANSFER_TARGETS: Record<string, (string | undefined)[]> = {
  'n2-amu': [undefined, undefined, 'reg-amu', 'n2-mg'],
  'reg-amu': ['n2-mg', 'book-mg', 'n2-amu'],
  'n2-mg': ['reg-mg', 'reg-mg', 'book-mg', 'n2-amu', 'reg-amu'],
  'reg-mg': ['book-mg', 'book-mg', 'n2-amu', 'reg-amu'],
  'book-mg': ['n2-amu', 'reg-mg'],
  'reg-pdsa': ['book-mg', 'n2-amu', 'reg-amu'],
};

// Supervisor moves within the role rules, and one against them (an ARM on the OSNP queue).
const MOVES: { agentId: string; skills: Skill[] }[] = [
  {
    agentId: 'arm-1',
    skills: [
      { queue: 'n1', preference: 1 },
      { queue: 'n2-amu', preference: 2 },
    ],
  },
  { agentId: 'arm-1', skills: [{ queue: 'n1', preference: 1 }] },
  { agentId: 'arm-2', skills: [{ queue: 'n2-amu', preference: 1 }] },
  { agentId: 'arm-2', skills: [{ queue: 'n1', preference: 1 }] },
  {
    agentId: 'arm-5',
    skills: [
      { queue: 'n2-amu', preference: 1 },
      { queue: 'n1', preference: 2 },
    ],
  },
  { agentId: 'arm-5', skills: [{ queue: 'n2-amu', preference: 1 }] },
  { agentId: 'osnp-1', skills: [{ queue: 'book-mg', preference: 1 }] },
  {
    agentId: 'osnp-1',
    skills: [
      { queue: 'n2-mg', preference: 1 },
      { queue: 'book-mg', preference: 2 },
    ],
  },
  {
    agentId: 'mrg-1',
    skills: [
      { queue: 'reg-mg', preference: 1 },
      { queue: 'reg-pdsa', preference: 1 },
    ],
  },
  {
    agentId: 'mrg-1',
    skills: [
      { queue: 'reg-mg', preference: 1 },
      { queue: 'n2-mg', preference: 2 },
      { queue: 'reg-pdsa', preference: 1 },
    ],
  },
  { agentId: 'arm-3', skills: [{ queue: 'book-mg', preference: 1 }] }, // refused: role rule
];

const DISPOSITIONS = [undefined, 'conseil-medical', 'consultation', 'envoi-moyens', 'visite-domicile'];
const FAILURES = ['no-answer', 'busy', 'unreachable', 'rejected'] as const;

/** Turns an abstract action into a concrete command against the current state (sometimes a wrong one on purpose). */
export function toCommand(s: State, x: Action, n: number, now: number, personal = DEFAULT_PERSONAL): Step {
  const d = s.data;
  const calls = Object.values(d.calls);
  const anyAgent = pick(agentIds, x.b)!;
  const connected = calls.filter((c) => c.parties.length > 0);
  const settled = connected.filter((c) => c.pending === null);
  const offered = calls.filter((c) => c.pending?.offer);
  const waiting = calls.filter((c) => c.pending && !c.pending.offer && c.parties.length === 0);
  const partyIn = (c: Call, i: number) => c.parties[i % c.parties.length]!;
  const queueOf = (id: string) => s.idx.queues.get(id)!;
  switch (x.kind) {
    case 'arrive': {
      const line = pick(['15', '15', '15', '116117', '116117', 'sdis', 'pro', 'atsu', 'line-unknown'], x.a)!;
      return {
        type: 'arriveCall',
        callId: `c${n}`,
        line,
        ...(x.c < 8 ? { callerNumber: null } : personal.caller),
        ...(line === 'sdis' && x.c % 3 === 0 ? { queue: pick(['n1', 'n2-amu', 'n2-mg'], x.b)! } : {}),
      };
    }
    case 'answer': {
      const o = pick(offered, x.a);
      if (!o) return { advance: 1 };
      const agentId = x.c < 3 ? anyAgent : o.pending!.offer!.agentId; // sometimes the wrong phone
      return { type: 'answerOffer', callId: o.id, agentId };
    }
    case 'offerFailed': {
      const o = pick(offered, x.a);
      if (!o) return { advance: 1 };
      return {
        type: 'offerFailed',
        callId: o.id,
        agentId: o.pending!.offer!.agentId,
        reason: pick(FAILURES, x.c)!,
      };
    }
    case 'qualify': {
      // Mostly an ARM with a call still to qualify (or one it keeps); sometimes anyone.
      const armOn = (c: Call) =>
        c.parties.some((p) => p.role === 'arm' && (c.qualification === null || p.kept));
      const call =
        x.c < 90 ? (pick(settled.filter(armOn), x.a) ?? pick(connected, x.a)) : pick(connected, x.a);
      if (!call) return { advance: 2 };
      const arms = call.parties.filter((p) => p.role === 'arm');
      const party = x.c < 90 && arms.length > 0 ? pick(arms, x.b)! : partyIn(call, x.b);
      const qualification = x.c < 12 ? 'P0' : x.c < 55 ? 'P1' : x.c < 85 ? 'P2' : 'DR';
      return {
        type: 'qualifyCall',
        callId: call.id,
        agentId: party.agentId,
        qualification,
        ...(x.b % 2 ? personal.drm : {}),
      };
    }
    case 'transfer': {
      const ready = settled.filter((c) =>
        c.parties.some(
          (p) => queueOf(p.queueId).stage !== 'n1' || (c.qualification && c.qualification !== 'DR'),
        ),
      );
      const call = pick(ready.length > 0 && x.c < 90 ? ready : connected, x.a);
      if (!call) return { advance: 2 };
      const party = partyIn(call, x.b);
      const to =
        queueOf(party.queueId).stage === 'n1'
          ? x.c > 95
            ? 'n1' // refused: never back to N1
            : undefined
          : pick(TRANSFER_TARGETS[party.queueId] ?? [undefined], x.a >> 3);
      return {
        type: 'transferCall',
        callId: call.id,
        agentId: party.agentId,
        mode: x.c % 4 === 0 ? 'warm' : x.c % 4 === 1 ? 'blind' : undefined,
        ...(to ? { to } : {}),
      };
    }
    case 'doctor': {
      const call = pick(settled, x.a) ?? pick(connected, x.a);
      if (!call) return { advance: 2 };
      return { type: 'bringInDoctor', callId: call.id, agentId: partyIn(call, x.b).agentId };
    }
    case 'hangUp': {
      const call = pick(connected, x.a);
      if (!call) return { advance: 3 };
      return {
        type: 'hangUp',
        callId: call.id,
        agentId: partyIn(call, x.b).agentId,
        ...(x.c < 50 ? { disposition: pick(DISPOSITIONS, x.c) } : {}),
      };
    }
    case 'legLost': {
      // An agent's phone drops: mostly one on a call, sometimes one ringing or on no call.
      const call = pick(x.c < 85 ? connected : calls, x.a);
      if (!call) return { advance: 2 };
      const agentId = call.parties.length > 0 ? partyIn(call, x.b).agentId : anyAgent;
      return { type: 'agentLegLost', callId: call.id, agentId };
    }
    case 'callerHangUp': {
      const call = x.c < 65 ? (pick(waiting, x.a) ?? pick(calls, x.a)) : pick(calls, x.a);
      return call ? { type: 'callerHungUp', callId: call.id } : { advance: 5 };
    }
    case 'login': {
      const out = agentIds.filter((id) => d.agents[id]!.status === 'logged-out');
      return { type: 'agentLogin', agentId: x.c < 90 ? (pick(out, x.b) ?? anyAgent) : anyAgent };
    }
    case 'ready': {
      const idle = agentIds.filter((id) => ['paused', 'wrap-up'].includes(d.agents[id]!.status));
      return { type: 'agentReady', agentId: x.c < 90 ? (pick(idle, x.b) ?? anyAgent) : anyAgent };
    }
    case 'logout':
      return { type: 'agentLogout', agentId: anyAgent, ...(x.c < 20 ? { by: 'supervisor' as const } : {}) };
    case 'pause':
      return { type: 'agentPause', agentId: anyAgent, reason: x.c < 5 ? ' ' : 'pause' };
    case 'move':
      return { type: 'moveAgent', ...pick(MOVES, x.a)! };
    case 'mode': {
      if (x.c < 40)
        return { type: 'setMode', mode: 'one-level', ...(x.c < 20 ? { until: now + 600_000 } : {}) };
      return { type: 'setMode', mode: x.c < 60 ? 'two-level' : null };
    }
    case 'callback': {
      // The MG callback path: accept (a caller waiting in MG), claim, dial the caller back, complete.
      const mgWaiting = waiting.filter((c) => queueOf(c.pending!.queueId).branch === 'mg');
      const tasks = Object.values(d.callbacks);
      const open = tasks.filter((t) => t.claimedBy === null);
      const claimed = tasks.filter((t) => t.claimedBy !== null);
      if (claimed.length > 0 && x.c < 50) {
        const t = pick(claimed, x.a)!;
        if (x.c < 35)
          return {
            type: 'dialOut',
            callId: `o${n}`,
            agentId: t.claimedBy!,
            number: personal.dialled,
            purpose: 'callback',
            taskId: t.id,
          };
        return { type: 'completeCallback', taskId: t.id, agentId: t.claimedBy!, outcome: 'rappelé' };
      }
      if (open.length > 0 && x.c < 85) {
        const t = pick(open, x.a)!;
        return { type: 'claimCallback', taskId: t.id, agentId: pick(['osnp-1', 'mrg-1', anyAgent], x.b)! };
      }
      const call = x.c < 95 ? (pick(mgWaiting, x.a) ?? pick(calls, x.a)) : pick(calls, x.a);
      return call ? { type: 'acceptCallback', callId: call.id } : { advance: 2 };
    }
    case 'dialOut': {
      // An outside transfer's number answering (what the ARI adapter reports).
      const outbound = calls.filter((c) => c.direction === 'outbound' && c.parentCallId);
      if (outbound.length > 0 && x.b < 25)
        return { type: 'outsideAnswered', callId: pick(outbound, x.a)!.id };
      const mine = connected.find((c) => c.parties.some((p) => p.agentId === anyAgent));
      if (mine && x.c >= 30 && x.c < 50)
        return {
          type: 'dialOut',
          callId: `o${n}`,
          agentId: anyAgent,
          number: personal.dialled,
          purpose: 'external-transfer',
          parentCallId: mine.id,
          handOver: true,
        };
      return {
        type: 'dialOut',
        callId: `o${n}`,
        agentId: anyAgent,
        number: personal.dialled,
        ...(mine && x.c < 30
          ? { purpose: 'external-conference' as const, parentCallId: mine.id }
          : { purpose: 'click-to-dial' as const }),
      };
    }
    case 'line': {
      const line = pick(['116117', '15'], x.b)!;
      if (x.c < 30)
        return {
          type: 'switchLine',
          line,
          partnerId: '85',
          share: x.c < 15 ? 0.5 : 1,
          ...(x.c % 2 ? { until: now + 300_000 } : {}),
        };
      if (x.c < 60) return { type: 'restoreLine', line };
      const call = pick(waiting, x.a);
      return call ? { type: 'redirectCall', callId: call.id, partnerId: '85' } : { advance: 1 };
    }
    case 'wait':
      return { advance: x.c < 85 ? 1 + (x.c % 8) : x.c - 70 }; // mostly seconds, sometimes past a ring

    case 'longWait':
      return { advance: 30 + x.c * 12 }; // up to ~20 min: deadlines, overflow, callbacks, periods
    case 'noise': {
      // Wrong on purpose: unknown ids, agents not on the call, an OSNP qualifying.
      const call = pick(calls, x.a);
      const id = x.c < 50 && call ? call.id : 'none';
      return pick<Command>(
        [
          { type: 'hangUp', callId: id, agentId: anyAgent },
          { type: 'answerOffer', callId: id, agentId: anyAgent },
          { type: 'qualifyCall', callId: id, agentId: 'osnp-1', qualification: 'P1' },
          { type: 'transferCall', callId: id, agentId: anyAgent, to: 'no-queue' },
          { type: 'arriveCall', callId: call?.id ?? '', line: '15' },
          { type: 'claimCallback', taskId: 'no-task', agentId: anyAgent },
          { type: 'offerFailed', callId: id, agentId: anyAgent, reason: 'busy' },
        ],
        x.b,
      )!;
    }
  }
}

export type RunHooks = {
  personal?: Personal;
  /** Every command's result, timerFired included. */
  onResult?: (cmd: Command, r: Result, s: State) => void;
  /** With it, the state is serialised before every command and handed over on a rejection. */
  onRejected?: (cmd: Command, reason: string, before: string, s: State) => void;
  /** After each step (login, action, or advance with the timers it fired) with its events. */
  afterStep?: (s: State, events: Event[], step: Step) => void;
};

export type RunResult = {
  s: State;
  log: Event[];
  now: number;
  /** timerFired commands that did something (the initial one excluded). */
  timersFired: number;
  rejected: number;
};

/** Plays a run through the real engine, firing every deadline as time advances. */
export function runCommands(run: RandomRun, hooks: RunHooks = {}): RunResult {
  const s = initialState(config);
  let now = run.start;
  const log: Event[] = [];
  let timersFired = 0;
  let rejected = 0;
  const exec = (cmd: Command): Event[] => {
    const before = hooks.onRejected ? JSON.stringify(s.data) : '';
    const r = execute(s, cmd, now);
    hooks.onResult?.(cmd, r, s);
    if (r.ok) {
      log.push(...r.events);
      return r.events;
    }
    rejected++;
    hooks.onRejected?.(cmd, r.reason, before, s);
    return [];
  };
  const step = (st: Step) => {
    let events: Event[] = [];
    if ('advance' in st) {
      const target = now + st.advance * 1000;
      for (let wake = nextWakeAt(s); wake !== undefined && wake <= target; wake = nextWakeAt(s)) {
        now = Math.max(now, wake);
        const fired = exec({ type: 'timerFired' });
        if (fired.length > 0) timersFired++;
        events = events.concat(fired);
      }
      now = target;
    } else events = exec(st);
    hooks.afterStep?.(s, events, st);
  };
  exec({ type: 'timerFired' });
  for (const agentId of run.logins) step({ type: 'agentLogin', agentId });
  run.actions.forEach((x, n) => step(toCommand(s, x, n, now, hooks.personal)));
  return { s, log, now, timersFired, rejected };
}

/** What a whole property run exercised: event types, with a few finer keys. */
export class Coverage {
  readonly counts = new Map<string, number>();
  runs = 0;

  private bump(key: string, by = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + by);
  }

  add(r: RunResult): void {
    this.runs++;
    this.bump('timersFired', r.timersFired);
    this.bump('rejected', r.rejected);
    this.bump('callsLiveAtEnd', Object.keys(r.s.data.calls).length);
    for (const e of r.log) {
      this.bump(e.type);
      if (e.type === 'CallEnded') this.bump(`CallEnded:${e.outcome}`);
      else if (e.type === 'CallOfferFailed') this.bump(`CallOfferFailed:${e.reason}`);
      else if (e.type === 'CallQualified') this.bump(`CallQualified:${e.qualification}`);
      else if (e.type === 'CallQueued') this.bump(`CallQueued:${e.reason}`);
      else if (e.type === 'CallConnected') {
        if (e.firstAnswer) this.bump('CallConnected:first');
        if (e.kind !== 'queue') this.bump(`CallConnected:${e.kind}`);
        this.bump(`CallConnected@${e.queueId}`);
      } else if (e.type === 'CallTransferred') {
        if (e.reorientation) this.bump(`CallTransferred:${e.reorientation}`);
        if (e.mode === 'warm') this.bump('CallTransferred:warm');
      } else if (e.type === 'CallRedirected') this.bump(`CallRedirected:${e.reason}`);
      else if (e.type === 'AlarmRaised') this.bump(`AlarmRaised:${e.kind}`);
      else if (e.type === 'PeriodChanged') this.bump(`PeriodChanged:${e.period}`);
      else if (e.type === 'OutboundCallPlaced') this.bump(`OutboundCallPlaced:${e.purpose}`);
    }
  }

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** The keys below their minimum, as "key: seen < minimum" (empty when all are reached). */
  shortfalls(minimums: Record<string, number>): string[] {
    return Object.entries(minimums)
      .filter(([k, min]) => this.get(k) < min)
      .map(([k, min]) => `${k}: ${this.get(k)} < ${min} over ${this.runs} runs`);
  }
}
