// Benchmark of the routing core: commands per second over a generated busy day, decision latency
// with 1,000 calls waiting and 500 agents logged in, and memory per waiting call. The baseline,
// measured in the same run over the same command stream, is a trivial reducer that only counts
// commands by type in a Map: it shows what the engine costs above reading the commands at all.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Command } from '../core/commands.js';
import { parseSiteConfig, type SiteConfig } from '../core/config.js';
import { execute, nextWakeAt } from '../core/engine.js';
import { exampleSite } from '../core/example-site.js';
import { initialState, type State } from '../core/state.js';
import { addBench } from './registry.js';

const START = Date.UTC(2026, 2, 2, 7, 0, 0); // a Monday, 08:00 Paris

/** The example site with many agents: `n1` ARMs at N1, the rest spread over N2 and the doctors. */
export function bigSite(n1: number, n2amu: number, others: number): SiteConfig {
  const raw = structuredClone(exampleSite);
  const agents: NonNullable<typeof raw.agents> = [];
  const add = (id: string, role: 'arm' | 'osnp' | 'mrg' | 'mru', queue: string) =>
    agents.push({
      id,
      name: id,
      roles: [role],
      skills: [{ queue, preference: 1 }],
      autoAnswer: true,
      wrapUpSeconds: 0,
    });
  for (let i = 0; i < n1; i++) add(`arm-n1-${i}`, 'arm', 'n1');
  for (let i = 0; i < n2amu; i++) add(`arm-n2-${i}`, 'arm', 'n2-amu');
  const spread: ['osnp' | 'mrg' | 'mru', string][] = [
    ['osnp', 'n2-mg'],
    ['mrg', 'reg-mg'],
    ['mru', 'reg-amu'],
  ];
  for (let i = 0; i < others; i++) add(`other-${i}`, spread[i % 3]![0], spread[i % 3]![1]);
  raw.agents = agents;
  const parsed = parseSiteConfig(raw);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.config;
}

/** Executes a command, then answers every auto-answer offer it made, as the phones would. */
function executeAnswering(s: State, cmd: Command, now: number, record?: (cmd: Command) => void) {
  const r = execute(s, cmd, now);
  record?.(cmd);
  if (!r.ok) return r;
  for (const e of r.events) {
    if (e.type === 'CallOffered' && e.autoAnswer)
      executeAnswering(s, { type: 'answerOffer', callId: e.callId, agentId: e.agentId }, now, record);
  }
  return r;
}

function loginAll(s: State, now: number): void {
  for (const id of Object.keys(s.data.agents)) executeAnswering(s, { type: 'agentLogin', agentId: id }, now);
}

/** A busy day as a command stream: calls that go N1 → qualification → N2 → end, with timers. */
function busyDay(calls: number): { commands: [Command, number][]; config: SiteConfig } {
  const config = bigSite(40, 20, 30);
  const s = initialState(config);
  let now = START;
  const commands: [Command, number][] = [];
  const run = (cmd: Command) => executeAnswering(s, cmd, now, (c) => commands.push([c, now]));
  run({ type: 'timerFired' });
  for (const agentId of Object.keys(s.data.agents)) run({ type: 'agentLogin', agentId });
  const open: { id: string; step: number }[] = [];
  for (let i = 0; i < calls; i++) {
    now += 250;
    const wake = nextWakeAt(s);
    if (wake !== undefined && wake <= now) run({ type: 'timerFired' });
    run({
      type: 'arriveCall',
      callId: `c${i}`,
      line: i % 10 === 0 ? 'sdis' : '15',
      callerNumber: '0600000000',
    });
    open.push({ id: `c${i}`, step: 0 });
    // Move the oldest open calls one step along their path.
    for (let k = 0; k < 2 && open.length > 60; k++) {
      const c = open.shift()!;
      const call = s.data.calls[c.id];
      const agentId = call?.parties[0]?.agentId;
      if (!call || !agentId) continue;
      if (c.step === 0 && call.qualification === null && call.lastQueueId === 'n1') {
        run({ type: 'qualifyCall', callId: c.id, agentId, qualification: i % 3 === 0 ? 'P2' : 'P1' });
        run({ type: 'transferCall', callId: c.id, agentId });
        open.push({ id: c.id, step: 1 });
      } else {
        run({ type: 'hangUp', callId: c.id, agentId });
      }
    }
  }
  return { commands, config };
}

function throughput(calls: number) {
  const { commands, config } = busyDay(calls);
  const s = initialState(config);
  const t0 = performance.now();
  let accepted = 0;
  for (const [cmd, now] of commands) if (execute(s, cmd, now).ok) accepted++;
  const engineMs = performance.now() - t0;
  const counts = new Map<string, number>();
  const t1 = performance.now();
  for (const [cmd] of commands) counts.set(cmd.type, (counts.get(cmd.type) ?? 0) + 1);
  const baselineMs = performance.now() - t1;
  return {
    commands: commands.length,
    accepted,
    commandsPerSecond: Math.round(commands.length / (engineMs / 1000)),
    baselineCountingCommandsPerSecond: Math.round(commands.length / (Math.max(baselineMs, 0.001) / 1000)),
  };
}

/** Decision latency at a steady 1,000 waiting calls and 500 logged-in, busy agents. */
function latency(samples: number) {
  const config = bigSite(500, 0, 0);
  const s = initialState(config);
  let now = START;
  execute(s, { type: 'timerFired' }, now);
  loginAll(s, now);
  let n = 0;
  const arrive = () =>
    executeAnswering(
      s,
      { type: 'arriveCall', callId: `w${n++}`, line: '15', callerNumber: '0600000000' },
      now,
    );
  while (Object.keys(s.data.calls).length < 1500) arrive(); // 500 connected (one per agent) + 1,000 waiting
  const agentIds = Object.keys(s.data.agents);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    now += 10;
    const agentId = agentIds[i % agentIds.length]!;
    const callId = s.data.agents[agentId]!.callId!;
    // An agent ends its call and is given the next waiting call; a new caller arrives.
    let t = process.hrtime.bigint();
    const r = execute(s, { type: 'hangUp', callId, agentId }, now);
    times.push(Number(process.hrtime.bigint() - t) / 1000);
    // The next call was offered to the freed agent: its phone picks up (auto-answer).
    const offered = r.ok ? r.events.find((e) => e.type === 'CallOffered') : undefined;
    if (offered?.type === 'CallOffered') {
      t = process.hrtime.bigint();
      execute(s, { type: 'answerOffer', callId: offered.callId, agentId }, now);
      times.push(Number(process.hrtime.bigint() - t) / 1000);
    }
    t = process.hrtime.bigint();
    arrive();
    times.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) =>
    Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))]! * 10) / 10;
  const waiting = Object.values(s.data.calls).filter((c) => c.parties.length === 0).length;
  return {
    waitingCalls: waiting,
    agentsLoggedIn: agentIds.length,
    p50DecisionMicros: q(0.5),
    p99DecisionMicros: q(0.99),
  };
}

function gc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Heap growth per waiting call (state and indexes), with the GC forced before each reading. */
function memory(calls: number) {
  const collect = gc();
  const s = initialState(bigSite(10, 0, 0));
  execute(s, { type: 'timerFired' }, START);
  collect();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < calls; i++) {
    execute(
      s,
      { type: 'arriveCall', callId: `m${i}`, line: '15', callerNumber: '0600000000', callerName: 'Dupont' },
      START + i,
    );
  }
  collect();
  const after = process.memoryUsage().heapUsed;
  // Read the state after measuring, so that it is still reachable when the heap is measured.
  const waiting = Object.keys(s.data.calls).length;
  return { bytesPerWaitingCall: Math.round((after - before) / waiting) };
}

addBench('core', {
  description:
    'routing engine: commands/s on a busy day, p99 decision at 1,000 waiting / 500 agents, bytes per waiting call',
  run: async ({ quick }) => {
    const m = memory(quick ? 2_000 : 20_000);
    const t = throughput(quick ? 5_000 : 100_000);
    const l = latency(quick ? 2_000 : 20_000);
    return {
      ...t,
      ...l,
      ...m,
      baseline: 'a Map counting commands by type over the same command stream',
      targets: { commandsPerSecond: 100_000, p99DecisionMicros: 100, bytesPerWaitingCall: 2048 },
    };
  },
});
