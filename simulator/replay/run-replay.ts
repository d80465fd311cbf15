// `sas-acd simulate replay`: a trace through the live system. Callers are injected on sim-pbx's
// trunk with their patience, bot agents work like panels (API + Socket.IO, phones on sim-pbx),
// and at the end the ground truth from sim-pbx's timelines is compared with the ACD's indicators.
import type { PbxKind } from '../../src/app/pbx.js';
import type { SiteConfig } from '../../src/core/config.js';
import type { QueueView } from '../../src/read-models/views.js';
import { PhoneClient } from '../bots/phone-client.js';
import { CallerInjector } from '../load/caller-injector.js';
import { ScriptBook } from '../load/script-book.js';
import type { CallRecord } from '../pbx/timeline.js';
import type { TraceCall } from '../traffic/trace.js';
import { AcdClient, type AcdUser } from './acd-client.js';
import { acdFigures, readAcdCounts } from './acd-figures.js';
import { scheduleChaos, NO_CHAOS, type ChaosDone, type ChaosPlan } from './chaos.js';
import { callCountsOf, formatCallCounts, reconcileCallCounts, type CallCounts } from './call-counts.js';
import { startChildStack, type ChildStack } from './child-stack.js';
import { fsCallRecord, type FsTimeline } from './fs-records.js';
import { queueOfAnswer } from './queue-of-answer.js';
import { groundTruth, type QueueFigures } from './ground-truth.js';
import { PanelBot } from './panel-bot.js';
import { startPartnerPhone } from './partner-phone.js';
import { formatTable, publicFigures, reconcile, type Mismatch } from './reconcile.js';
import { replayTwin, type TwinSide } from './replay-twin.js';
import { twinGap, type TwinGap } from './twin-gap.js';
import { configForSpeed, expectedPath, pickSeats, replayUsers, type StaffPlan } from './replay-site.js';

/** Users of a running ACD (with --acd): the supervisor who reads the indicators, one per bot seat. */
export type ExternalUsers = { supervisor: AcdUser; agents: Record<string, AcdUser> };

export type ReplayOptions = {
  calls: TraceCall[];
  config: SiteConfig;
  /** Simulated seconds per real second. */
  speed: number;
  staff: StaffPlan;
  /** Bots' wrap-up in simulated seconds; null: each agent's own. */
  wrapUpSeconds: number | null;
  /** The simulated PBX of the own stack: sim-pbx (Asterisk, the default) or sim-fs (FreeSWITCH). */
  pbx?: PbxKind;
  /** Drive a running system instead of starting one. */
  external?: { acdUrl: string; pbxUrl: string; users: ExternalUsers };
  /** Faults at simulated times (chaos.ts); the ACD and Redis ones need the own stack. */
  chaos?: ChaosPlan;
  /** Also run the trace through the digital twin, for the side-by-side table (replay-twin.ts). */
  twin?: boolean;
  /** Real milliseconds two processes may disagree on an instant (see reconcile.ts). */
  toleranceMs?: number;
  onProgress?: (ended: number, total: number) => void;
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
};

export type ReplayReport = {
  groundTruth: { queues: Record<string, QueueFigures>; calls: CallCounts };
  acd: { queues: Record<string, QueueFigures>; calls: CallCounts };
  /** With --twin: the same trace through the digital twin (not reconciled: a model, compared). */
  twin?: TwinSide;
  /** With --twin: twin − ground truth per figure (twin-gap.ts). */
  twinGap?: TwinGap;
  reconciled: boolean;
  calls: { lost: number; duplicated: number; stuck: number };
  /** With --chaos: each fault as it happened. */
  chaos?: ChaosDone[];
};

export type ReplayRun = {
  report: ReplayReport;
  mismatches: Mismatch[];
  table: string;
  /** Real seconds from the first injection to the last call's end. */
  realSeconds: number;
  /** Kept when the run did not reconcile (own stack): the children's output. */
  logDir: string | null;
  /** sim-pbx's timelines of the replayed calls (the ground truth's input). */
  records: CallRecord[];
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function simCalls(
  pbxUrl: string,
  pbx: PbxKind,
  queueOfWait: (callId: string, n: number) => string,
): Promise<CallRecord[]> {
  const r = await fetch(`${pbxUrl}/sim/calls`);
  if (!r.ok) throw new Error(`sim-pbx GET /sim/calls: ${r.status}`);
  if (pbx === 'freeswitch')
    return ((await r.json()) as { calls: FsTimeline[] }).calls.map((t) => fsCallRecord(t, queueOfWait));
  return ((await r.json()) as { calls: CallRecord[] }).calls;
}

async function strayChannels(pbxUrl: string, pbx: PbxKind): Promise<number> {
  if (pbx === 'freeswitch') {
    // sim-fs: dialogs, FreeSWITCH channels, conferences, event sockets and phone legs still open.
    const r = await fetch(`${pbxUrl}/sim/leftovers`);
    if (!r.ok) return 0;
    return Object.values((await r.json()) as Record<string, number>).reduce((a, b) => a + b, 0);
  }
  const auth = Buffer.from('asterisk:asterisk').toString('base64');
  const r = await fetch(`${pbxUrl}/ari/channels`, { headers: { authorization: `Basic ${auth}` } });
  if (!r.ok) return 0;
  const channels = (await r.json()) as { name: string }[];
  return channels.filter((c) => !c.name.startsWith('Announcer/')).length;
}

export async function runReplay(o: ReplayOptions): Promise<ReplayRun> {
  const speed = o.speed;
  const toleranceMs = o.toleranceMs ?? 500;
  const seats = pickSeats(o.config, o.staff);
  const siteId = o.config.id;
  const pbx = o.pbx ?? 'asterisk';
  let stack: ChildStack | null = null;
  const bots: PanelBot[] = [];
  const phones: PhoneClient[] = [];
  let supervisor: AcdClient | null = null;
  let injector: CallerInjector | null = null;
  let keepLogs = false;
  const warn = (m: string) => o.onWarning?.(m);
  try {
    let acdUrl: string;
    let pbxUrl: string;
    let users: ExternalUsers;
    if (o.external) {
      ({ acdUrl, pbxUrl, users } = o.external);
    } else {
      const made = await replayUsers(siteId, seats, o.config);
      stack = await startChildStack({
        config: configForSpeed(o.config, speed, o.wrapUpSeconds),
        users: made.entries,
        pbx,
      });
      acdUrl = stack.acdUrl;
      pbxUrl = stack.pbxUrl;
      users = { supervisor: made.supervisor, agents: Object.fromEntries(made.bots) };
    }
    supervisor = new AcdClient(acdUrl, users.supervisor);
    await supervisor.login();
    const queues = (await supervisor.get<{ queues: QueueView[] }>(`/sites/${siteId}/queues`)).queues;
    const before = await readAcdCounts(supervisor, siteId);

    const scripts = new ScriptBook();
    const endpointsWs = `${pbxUrl.replace(/^http/, 'ws')}/sim/endpoints`;
    // The own sim-pbx routes the partner-sas context to this phone (a running one has its own routes).
    if (stack && pbx === 'asterisk') phones.push(await startPartnerPhone(endpointsWs, speed));
    for (const seat of seats) {
      const agent = o.config.agents.find((a) => a.id === seat.agentId)!;
      const user = users.agents[seat.agentId];
      if (!user) throw new Error(`no user for the bot seat ${seat.agentId}`);
      const phone = await PhoneClient.register(endpointsWs, agent.endpoint ?? `PJSIP/${agent.id}`);
      phones.push(phone);
      const bot = new PanelBot({
        acdUrl,
        siteId,
        agentId: seat.agentId,
        user,
        config: o.config,
        phone,
        scripts,
        speed,
        onError: (err) => warn(`bot ${seat.agentId}: ${(err as Error).message}`),
      });
      bots.push(bot);
      await bot.start();
    }

    const ours = new Map<string, TraceCall>();
    // sim-fs cannot tell which queue a caller waits in: its n-th wait is the trace's n-th step.
    const queueOfWait = (callId: string, n: number): string => {
      const row = ours.get(callId);
      const path = row ? expectedPath(o.config, row, seats) : [];
      return path[n] ?? path.at(-1) ?? o.config.lines[0]!.entryQueue;
    };
    let refused = 0;
    injector = new CallerInjector({
      simUrl: pbxUrl,
      calls: o.calls,
      scripts,
      speed,
      // Each wait gets the caller's whole patience, as in the twin (sim-fs: until the first answer).
      patiencePerWait: pbx === 'asterisk',
      onInjected: (call, simCallId) => ours.set(simCallId, call),
      onError: (err) => {
        refused++;
        warn(`a caller was not injected: ${(err as Error).message}`);
      },
    });
    const started = Date.now();
    injector.start();
    const own = stack as ChildStack | null;
    const plan = o.chaos ?? NO_CHAOS;
    const hasChaos = plan.killAcdAt.length + plan.restartRedisAt.length + plan.dropAriAt.length > 0;
    const chaos = scheduleChaos(
      plan,
      speed,
      {
        ...(own ? { restartAcd: () => own.restartAcd(), restartRedis: () => own.restartRedis() } : {}),
        cutAri: async (ms) => {
          const refused = async () => {
            const r = await fetch(`${pbxUrl}/sim/faults`);
            if (!r.ok) throw new Error(`sim-pbx GET /sim/faults: ${r.status}`);
            return ((await r.json()) as { ariRefused?: number }).ariRefused ?? 0;
          };
          const before = await refused();
          const r = await fetch(`${pbxUrl}/sim/faults`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ ariOutageMs: ms }),
          });
          if (!r.ok) throw new Error(`sim-pbx POST /sim/faults: ${r.status}`);
          await sleep(ms); // the run settles only once the link is back
          return { refusedConnections: (await refused()) - before };
        },
      },
      warn,
    );

    // Until every caller is in and every call has ended on the PBX, or nothing moves for a long while.
    const stallMs = Math.max(20_000, (1800 * 1000) / speed);
    let lastChange = Date.now();
    let lastEntries = -1;
    let records: CallRecord[] = [];
    let endedAt = Date.now();
    for (;;) {
      if (o.signal?.aborted) throw new Error('interrupted');
      await sleep(200);
      records = (await simCalls(pbxUrl, pbx, queueOfWait)).filter((c) => ours.has(c.callId));
      // A call the dialplan fallback took (no ACD on the Stasis app as it arrived) is out of the
      // ACD's reach: lost for the replay, hung up at the end, not waited for.
      const ended = records.filter((c) => c.endedAtMs !== null || c.route === 'fallback').length;
      o.onProgress?.(ended, o.calls.length);
      const entries = records.reduce((n, c) => n + c.entries.length, 0);
      if (entries !== lastEntries) {
        lastEntries = entries;
        lastChange = Date.now();
      }
      const allIn = injector.done && ours.size + refused === o.calls.length;
      if (allIn && ended === records.length) {
        endedAt = Date.now();
        break;
      }
      if (Date.now() - lastChange > stallMs) {
        warn(`nothing moved on the PBX for ${stallMs / 1000} s: ${records.length - ended} call(s) stuck`);
        endedAt = Date.now();
        break;
      }
    }
    injector.stop();
    const fallback = records.filter((c) => c.route === 'fallback');
    if (fallback.length > 0)
      warn(
        `${fallback.length} call(s) took the PBX's dialplan fallback: no ACD on the Stasis app as they arrived`,
      );
    for (const c of fallback)
      if (c.endedAtMs === null)
        await fetch(`${pbxUrl}/sim/calls/${c.callId}/hangup`, { method: 'POST' }).catch(() => undefined);
    records = records.filter((c) => c.route !== 'fallback');
    const chaosDone = await chaos.stop();

    // The ACD settles: no live call left and every arrival counted (or a few seconds pass).
    const settleUntil = Date.now() + 10_000;
    let after = await readAcdCounts(supervisor, siteId);
    for (;;) {
      const live = (await supervisor.get<{ calls: unknown[] }>(`/sites/${siteId}/calls`)).calls.length;
      if ((live === 0 && after.arrived - before.arrived >= records.length) || Date.now() > settleUntil) break;
      await sleep(100);
      after = await readAcdCounts(supervisor, siteId);
    }
    const acd = acdFigures(before, after, speed);

    const thresholds = new Map(queues.map((q) => [q.id, q.thresholdSeconds]));
    const truth = groundTruth(records, {
      thresholdRealSeconds: (id) => thresholds.get(id) ?? 30,
      entryQueue: (line) => o.config.lines.find((l) => l.id === line)?.entryQueue ?? 'n1',
      // Answered before reaching a holding bridge: the expected step when the agent could take it
      // (its skills, or that queue's overflow tiers), else the agent's queue (./queue-of-answer.ts).
      queueOfAnswer: (callId, endpoint, waitIndex) => {
        const row = ours.get(callId);
        return queueOfAnswer(
          o.config,
          endpoint,
          row ? expectedPath(o.config, row, seats)[waitIndex] : undefined,
        );
      },
      speed,
      toleranceMs,
    });
    const calls = {
      lost: truth.calls.lost + refused + fallback.length + Math.max(0, truth.calls.arrived - acd.arrived),
      duplicated: Math.max(0, acd.arrived - truth.calls.arrived),
      stuck: truth.calls.stuck,
    };
    const extra: Mismatch[] = [];
    for (const [k, v] of Object.entries(calls))
      if (v > 0) extra.push({ queue: '(calls)', figure: k, groundTruth: 0, acd: v });
    const truthCalls = callCountsOf(records, toleranceMs);
    extra.push(...reconcileCallCounts(truthCalls, acd.calls));
    const twin = o.twin ? replayTwin(o.calls, o.config, o.staff, o.wrapUpSeconds) : undefined;
    // What the PBX still holds once the ACD has nothing live: a hang-up in flight is given up to 5 s
    // to complete (a busy machine), a leg still there after that is left over.
    let stray = await strayChannels(pbxUrl, pbx);
    for (const until = Date.now() + 5_000; stray > 0 && Date.now() < until;) {
      await sleep(200);
      stray = await strayChannels(pbxUrl, pbx);
    }
    if (stray > 0 && !o.external)
      extra.push({ queue: '(pbx)', figure: 'channels left', groundTruth: 0, acd: stray });
    const r = reconcile(truth.queues, acd.queues, (toleranceMs / 1000) * speed, extra);
    const gt = publicFigures(truth.queues);
    keepLogs = !r.reconciled;
    return {
      report: {
        groundTruth: { queues: gt, calls: truthCalls.counts },
        acd: { queues: acd.queues, calls: acd.calls },
        ...(twin ? { twin, twinGap: twinGap({ queues: gt, calls: truthCalls.counts }, twin) } : {}),
        reconciled: r.reconciled,
        calls,
        ...(hasChaos ? { chaos: chaosDone } : {}),
      },
      mismatches: r.mismatches,
      table: [
        formatTable(gt, acd.queues, r, twin?.queues),
        formatCallCounts(truthCalls.counts, acd.calls, r.mismatches, twin?.calls),
      ].join('\n\n'),
      realSeconds: (endedAt - started) / 1000,
      logDir: keepLogs && stack ? stack.logDir : null,
      records,
    };
  } catch (err) {
    keepLogs = true;
    if (stack) warn(`the children's output is kept in ${stack.logDir}`);
    throw err;
  } finally {
    injector?.stop();
    for (const b of bots) b.stop();
    for (const p of phones) p.close();
    supervisor?.close();
    await stack?.stop({ keepLogs });
  }
}
