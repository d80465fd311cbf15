// Fail-over drills: two `sas-acd serve` processes on one Redis and one sim-pbx, generated traffic
// all along, and the writer killed with SIGKILL again and again (a fresh standby started after each
// kill). Checked at the end against sim-pbx's ground truth (its timelines: what each caller lived)
// and the site's event stream:
// - lost: a caller who entered the ACD (Stasis) and was hung up by the PBX without ever reaching
//   an agent, or whose arrival the engine never recorded;
// - duplicated: a call arrived or ended twice in the engine, or answered by two agents at once;
// - stuck: a caller still on the PBX, or a call still live in the engine, once traffic has stopped
//   and every agent has ended their calls;
// - effects left: entries still in the effect outbox at the end (an effect never carried out);
// - take-over: from the kill to the new leader's "PBX taken over" (lease, recovery, ARI link,
//   re-adoption, pending effects finished);
// - fallback share: callers who found no Stasis application (the take-over gap) through the
//   dialplan's wait for the ACD (asterisk-config [sasacd-entry]) and went to the dialplan fallback,
//   over all callers; sim-pbx rings a fallback group of its own (two desk phones that answer and
//   hang up after talking, as extensions.conf's N1_FALLBACK), and every call it answered must be
//   counted by the ACD once (FallbackCallCounted): fallbackCounted = callsFallbackAnswered.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { exampleSite } from '../core/example-site.js';
import type { Event } from '../core/events.js';
import { createLogger } from '../ports/logger.js';
import { SiteShell } from '../shell/site-shell.js';
import { siteKeys } from '../store/keys.js';
import { parseSiteConfig } from '../core/config.js';
import { PhoneClient } from '../../simulator/bots/phone-client.js';
import { startSimPbx, type SimPbx } from '../../simulator/pbx/server.js';
import type { CallRecord } from '../../simulator/pbx/timeline.js';

export type DrillOptions = {
  redisUrl: string;
  drills: number;
  /** Calls placed per second on sim-pbx (illustrative load). */
  ratePerSecond?: number;
  /** How long each agent talks before ending the call through the engine. */
  talkMs?: number;
  /** Traffic between a take-over and the next kill. */
  runMs?: number;
  /** How often the dialplan retries the ACD before the fallback (default the dialplan's 4; 0: none). */
  acdRetries?: number;
  /** Lines of the serve processes' logs go here (debugging). */
  onLog?: (line: string) => void;
};

export type DrillResult = {
  drills: number;
  calls: number;
  callsAcd: number;
  callsFallback: number;
  /** Fallback calls the group answered (sim-pbx's ground truth), and those the ACD counted. */
  callsFallbackAnswered: number;
  fallbackCounted: number;
  callsLost: number;
  callsDuplicated: number;
  callsStuck: number;
  effectsLeft: number;
  /** Agents paused by the engine during the run, by reason (each one then made ready again). */
  agentPauses: Record<string, number>;
  fallbackShare: number;
  takeoverMs: number[];
  p50TakeoverMs: number | null;
  p99TakeoverMs: number | null;
  /** Calls by id that break a rule, for a reader to look at (at most 20). */
  examples: Record<string, string[]>;
};

const bin = fileURLToPath(new URL('../../bin/sas-acd.mjs', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const silent = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });

type Serve = {
  proc: ChildProcess;
  exited: Promise<void>;
  lines: ((line: Record<string, unknown>) => void)[];
};

function quantile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

export async function runFailoverDrills(opts: DrillOptions): Promise<DrillResult> {
  const rate = opts.ratePerSecond ?? 2;
  const talkMs = opts.talkMs ?? 1_500;
  const runMs = opts.runMs ?? 2_500;
  const siteId = `drill${Math.random().toString(36).slice(2, 8)}`;
  const raw = structuredClone(exampleSite) as unknown as Record<string, unknown>;
  raw.id = siteId;
  // Phones that answer at once and no wrap-up: the N1 ARMs (4) take 1/talk calls per second each,
  // above the traffic, so a call still live at the end is stuck, not queued behind the load.
  for (const a of raw.agents as { autoAnswer?: boolean; wrapUpSeconds?: number }[]) {
    a.autoAnswer = true;
    if ('wrapUpSeconds' in a) a.wrapUpSeconds = 0;
  }
  const parsed = parseSiteConfig(raw);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const config = parsed.config;
  const dir = mkdtempSync(join(tmpdir(), 'sas-acd-drill-'));
  const configFile = join(dir, 'site.json');
  writeFileSync(configFile, JSON.stringify(raw));
  const usersFile = join(dir, 'users.json');
  writeFileSync(
    usersFile,
    JSON.stringify([{ username: 'sup', roles: ['supervisor'], sites: [siteId], password: 'drill-only' }]),
  );

  // The fallback group: desk phones of their own (not the ACD's agents), as the room's secours-N.
  const group = ['PJSIP/secours-1', 'PJSIP/secours-2'];
  const sim: SimPbx = await startSimPbx({
    port: 0,
    app: 'sasacd',
    fallback: { endpoints: group, ringSeconds: 25, waitSeconds: 5, acdRetries: opts.acdRetries ?? 4 },
  });
  const serves = new Set<Serve>();
  const spawnServe = (): Serve => {
    const proc = spawn(
      process.execPath,
      [bin, 'serve', '--config', configFile, '--users', usersFile, '--port', '0'],
      {
        env: {
          ...process.env,
          REDIS_URL: opts.redisUrl,
          ARI_URL: sim.ariUrl,
          ARI_USER: sim.user,
          ARI_PASSWORD: sim.password,
          ARI_APP: 'sasacd',
          JWT_SECRET: 'drill-'.repeat(8),
          LOG_LEVEL: process.env.FAILOVER_LOG_LEVEL ?? 'info',
          FALLBACK_POLL_MS: '1000',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const serve: Serve = {
      proc,
      exited: new Promise((resolve) => proc.once('exit', () => resolve())),
      lines: [],
    };
    createInterface({ input: proc.stdout! }).on('line', (text) => {
      opts.onLog?.(text);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return;
      }
      for (const listener of serve.lines) listener(line);
    });
    proc.stderr!.on('data', (chunk: Buffer) => opts.onLog?.(chunk.toString()));
    serves.add(serve);
    void serve.exited.then(() => serves.delete(serve));
    return serve;
  };
  /** Resolves with the serve that logs a line `match` accepts first (within `ms`). */
  const firstLine = (match: (line: Record<string, unknown>) => boolean, ms: number): Promise<Serve> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no serve process logged the expected line')), ms);
      const attach = (serve: Serve) =>
        serve.lines.push((line) => {
          if (match(line)) {
            clearTimeout(timer);
            resolve(serve);
          }
        });
      for (const serve of serves) attach(serve);
    });
  const takenOver = (line: Record<string, unknown>) =>
    typeof line.msg === 'string' && line.msg.startsWith('PBX taken over');

  const phones: PhoneClient[] = [];
  const events: Event[] = [];
  let client: SiteShell | null = null;
  let redis: Redis | null = null;
  let traffic: NodeJS.Timeout | null = null;
  let sweeper: NodeJS.Timeout | null = null;
  try {
    spawnServe();
    spawnServe();
    let leader = await firstLine(takenOver, 60_000);
    client = await SiteShell.start({
      config,
      logger: silent,
      store: { redisUrl: opts.redisUrl, writer: false },
      onEvents: (e) => events.push(...e),
    });
    for (const agent of config.agents.filter((a) => a.endpoint)) {
      const phone = await PhoneClient.register(sim.endpointsWsUrl, agent.endpoint!);
      phone.autoAnswer(0);
      phones.push(phone);
      await client.dispatch({ type: 'agentLogin', agentId: agent.id });
    }
    // The fallback group's phones answer at once and hang up after talking, as the agents do.
    for (const endpoint of group) {
      const phone = await PhoneClient.register(sim.endpointsWsUrl, endpoint);
      // The other phone answered first, or the caller went first: sim-pbx says "no call" (an
      // error message), which is no fault of the drill.
      phone.on('error', () => undefined);
      phone.on('invite', (m: { channelId?: string }) => {
        const leg = String(m.channelId);
        setTimeout(() => phone.answer(leg), 200);
        setTimeout(() => phone.hangup(leg), 200 + talkMs);
      });
      phones.push(phone);
    }
    // Agents end their calls through the engine after talking; retried until it is done (the
    // writer may be changing).
    const connectedAt = new Map<string, number>();
    const refusals = new Map<string, number>();
    const hangingUp = new Set<string>();
    sweeper = setInterval(() => {
      const now = Date.now();
      // A paused agent (a ring lost in a take-over, a leg lost) comes back, as a real one would.
      for (const agent of Object.values(client!.state.data.agents))
        if (agent.status === 'paused') void client!.dispatch({ type: 'agentReady', agentId: agent.id });
      for (const call of Object.values(client!.state.data.calls)) {
        for (const party of call.parties) {
          const key = `${call.id}|${party.agentId}`;
          const since = connectedAt.get(key) ?? now;
          connectedAt.set(key, since);
          if (now - since >= talkMs && !hangingUp.has(key)) {
            hangingUp.add(key);
            void client!.dispatch({ type: 'hangUp', callId: call.id, agentId: party.agentId }).then((r) => {
              hangingUp.delete(key);
              if (r.ok) connectedAt.delete(key);
              // Refused during a take-over (src/shell/take-over-gate.ts), or no reply from a writer
              // killed meanwhile: tried again on the next pass (if still on the call), as an agent would.
              else if (r.reason !== 'pbx-taking-over' && r.reason !== 'outcome-unknown')
                refusals.set(r.reason, (refusals.get(r.reason) ?? 0) + 1);
            });
          }
        }
      }
    }, 200);
    let placed = 0;
    traffic = setInterval(() => {
      placed += 1;
      void fetch(`${sim.url}/sim/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ line: '15', callerNumber: `06${String(placed).padStart(8, '0')}` }),
      }).catch(() => undefined);
    }, 1000 / rate);

    const takeoverMs: number[] = [];
    const killsAt: number[] = [];
    for (let drill = 0; drill < opts.drills; drill += 1) {
      await sleep(runMs);
      const standby = [...serves].find((s) => s !== leader);
      if (!standby) throw new Error('no standby to take over');
      const next = firstLine((line) => takenOver(line), 60_000);
      const killedAt = Date.now();
      killsAt.push(killedAt);
      leader.proc.kill('SIGKILL');
      await leader.exited;
      leader = await next;
      takeoverMs.push(Date.now() - killedAt);
      // The next standby, ready before the next kill (or the take-over would include its start).
      const ready = spawnServe();
      await new Promise<void>((resolve) =>
        ready.lines.push((line) => {
          if (line.msg === 'sas-acd serving') resolve();
        }),
      );
    }
    await sleep(runMs);
    clearInterval(traffic);
    traffic = null;
    // Let every call end: agents hang up after talking, the fallback's callers are hung up here.
    // A queue still draining (a loaded machine makes each call slower) is no stuck call: the wait
    // ends once nothing is live, or when nothing has ended for 20 s.
    let progressAt = Date.now();
    let liveBefore = Infinity;
    for (;;) {
      const live = [...sim.pbx.timelines.calls.values()].filter((c) => c.endedAtMs === null);
      for (const c of live.filter((c) => c.route === 'fallback'))
        await fetch(`${sim.url}/sim/calls/${c.callId}/hangup`, { method: 'POST' }).catch(() => undefined);
      const engineLive = Object.keys(client.state.data.calls).length;
      if (live.length + engineLive < liveBefore) {
        liveBefore = live.length + engineLive;
        progressAt = Date.now();
      }
      if ((live.length === 0 && engineLive === 0) || Date.now() - progressAt > 20_000 + 2 * talkMs) break;
      await sleep(250);
    }
    // The last fallback records are read by the leader (FALLBACK_POLL_MS) and counted.
    const fallbackAnswered = () =>
      [...sim.pbx.timelines.calls.values()].filter((c) => c.route === 'fallback' && c.answeredBy !== null);
    const countedFallback = () =>
      new Set(events.filter((e) => e.type === 'FallbackCallCounted').map((e) => e.callId));
    for (let waited = 0; waited < 15_000 && countedFallback().size < fallbackAnswered().length; waited += 250)
      await sleep(250);
    clearInterval(sweeper);
    sweeper = null;
    await sleep(500); // the last events reach the read model

    // Ground truth against the engine's account.
    const examples: Record<string, string[]> = {};
    const note = (kind: string, id: string) => {
      const list = (examples[kind] ??= []);
      if (list.length < 20) list.push(id);
    };
    const count = (type: Event['type']) => {
      const m = new Map<string, number>();
      for (const e of events)
        if (e.type === type && 'callId' in e && typeof e.callId === 'string')
          m.set(e.callId, (m.get(e.callId) ?? 0) + 1);
      return m;
    };
    const eventsOf = (callId: string) =>
      events
        .filter((e) => 'callId' in e && e.callId === callId)
        .map((e) => `${e.at % 100_000} ${e.type} ${'agentId' in e ? String(e.agentId) : ''}`)
        .join(' | ');
    const timelineOf = (c: CallRecord) =>
      c.entries
        .map((x) => `${x.atMs % 100_000} ${x.kind}${x.detail ? ` ${JSON.stringify(x.detail)}` : ''}`)
        .join(' | ');
    const arrived = count('CallArrived');
    const agentPauses: Record<string, number> = {};
    for (const e of events)
      if (e.type === 'AgentPaused') agentPauses[e.reason] = (agentPauses[e.reason] ?? 0) + 1;
    const endedCount = count('CallEnded');
    const calls = [...sim.pbx.timelines.calls.values()];
    const acd = calls.filter((c) => c.route === 'stasis');
    let lost = 0;
    let duplicated = 0;
    let stuck = 0;
    for (const c of acd) {
      if (!arrived.has(c.channelId) || (c.endedBy === 'pbx' && c.answeredBy === null)) {
        lost += 1;
        const end = events.find((e) => e.type === 'CallEnded' && e.callId === c.channelId);
        note(
          'lost',
          `${c.channelId}: ${arrived.has(c.channelId) ? 'arrived' : 'never arrived'}, ${end ? `ended ${(end as { outcome: string }).outcome}` : 'not ended'} in the engine; PBX: ${c.entries.map((x) => x.kind).join(' ')}`,
        );
        // Both accounts side by side, times in ms (mod 100 s), to read against the kills.
        note(`pbx-of-${c.channelId}`, timelineOf(c));
        note(`events-of-${c.channelId}`, eventsOf(c.channelId));
      }
      if ((arrived.get(c.channelId) ?? 0) > 1 || (endedCount.get(c.channelId) ?? 0) > 1) {
        duplicated += 1;
        note('duplicated', c.channelId);
      }
    }
    for (const c of calls)
      if (c.endedAtMs === null) {
        stuck += 1;
        note('stuck-on-pbx', c.channelId);
      }
    for (const call of Object.values(client.state.data.calls)) {
      stuck += 1;
      const where =
        call.parties.length > 0
          ? `with ${call.parties.map((p) => p.agentId).join('+')}`
          : call.pending?.offer
            ? `offered to ${call.pending.offer.agentId}`
            : `waiting in ${call.pending?.queueId ?? '?'}`;
      note('stuck-in-engine', `${call.id} (${where})`);
      if (process.env.FAILOVER_LOG) note(`events-of-${call.id}`, eventsOf(call.id));
    }
    for (const [reason, n] of refusals) note('hang-up-refused', `${reason} ×${n}`);
    if (Object.keys(examples).length > 0) note('kills-at', killsAt.map((t) => String(t % 100_000)).join(' '));
    if (stuck > 0)
      for (const agent of Object.values(client.state.data.agents))
        note('agents-at-end', `${agent.id}: ${agent.status}`);
    const counted = countedFallback();
    const answeredInFallback = fallbackAnswered();
    for (const c of answeredInFallback)
      if (!counted.has(c.channelId)) note('fallback-not-counted', c.channelId);
    const fallbackIds = new Set(answeredInFallback.map((c) => c.channelId));
    for (const id of counted) if (!fallbackIds.has(id)) note('counted-not-fallback', id);
    const countedTwice = events.filter((e) => e.type === 'FallbackCallCounted').length - counted.size;
    if (countedTwice > 0) note('fallback-counted-twice', String(countedTwice));
    redis = new Redis(opts.redisUrl);
    const effectsLeft = await redis.hlen(siteKeys(siteId).effects);
    const sorted = [...takeoverMs].sort((a, b) => a - b);
    const fallback = calls.filter((c) => c.route === 'fallback').length;
    return {
      drills: opts.drills,
      calls: calls.length,
      callsAcd: acd.length,
      callsFallback: fallback,
      callsFallbackAnswered: answeredInFallback.length,
      fallbackCounted: events.filter((e) => e.type === 'FallbackCallCounted').length,
      callsLost: lost,
      callsDuplicated: duplicated,
      callsStuck: stuck,
      effectsLeft,
      agentPauses,
      fallbackShare: calls.length === 0 ? 0 : Math.round((fallback / calls.length) * 10_000) / 10_000,
      takeoverMs,
      p50TakeoverMs: quantile(sorted, 0.5),
      p99TakeoverMs: quantile(sorted, 0.99),
      examples,
    };
  } finally {
    if (traffic) clearInterval(traffic);
    if (sweeper) clearInterval(sweeper);
    for (const p of phones) p.close();
    await client?.stop();
    redis?.disconnect();
    for (const serve of [...serves]) {
      serve.proc.kill('SIGTERM');
      await Promise.race([serve.exited, sleep(5_000)]);
      serve.proc.kill('SIGKILL');
    }
    await sim.close();
  }
}
