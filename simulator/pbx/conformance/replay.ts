// Replaying one recorded scenario against a fresh sim-pbx: the far end's script (callers dial and hang
// up at the recorded offsets, phones ring, answer, reject, hang up relative to their INVITE), the
// app's ARI requests with ids mapped, and the app's WebSocket(s) opened and killed as recorded. Time
// is scaled; a request also waits for the sim's counterpart of the event the app was reacting to.
import WebSocket from 'ws';
import { loadApiDocs } from '../api-docs.js';
import { PausableClock } from '../clock.js';
import { startSimPbx } from '../server.js';
import type { SimPbx } from '../server.js';
import type { NormEvent } from './compare.js';
import { normalizeEvent } from './compare.js';
import type { NewDivergence } from './divergence.js';
import { ID_PATTERN, Labeler, channelPrefix } from './labels.js';
import type { FarEndParty, Trace, TraceRequest } from './trace.js';

type Json = Record<string, unknown>;

export interface ReplayedRequest {
  req: TraceRequest;
  sim: { status: number; body: unknown };
}

export interface ReplayResult {
  realEvents: NormEvent[];
  simEvents: NormEvent[];
  requests: ReplayedRequest[];
  realLab: Labeler;
  simLab: Labeler;
  problems: NewDivergence[];
}

const WAIT_MS = 100;

/** Events sim-pbx can send (its api-docs declare them); variable changes never prompt the app. */
const SIM_EVENTS = new Set(
  Object.keys((loadApiDocs().get('events.json')?.models ?? {}) as Record<string, unknown>),
);
const canTrigger = (e: NormEvent): boolean => {
  const type = e.key.split(' ')[0]!;
  return SIM_EVENTS.has(type) && type !== 'ChannelVarset';
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

async function until(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) return false;
    await sleep(2);
  }
  return true;
}

/** The real side, labelled in time order: responses and events. */
function labelRecording(trace: Trace): { lab: Labeler; events: NormEvent[] } {
  const lab = new Labeler();
  const items: { t: number; kind: 'response' | 'event'; value: Json }[] = [];
  for (const r of trace.requests)
    items.push({ t: r.t_resp_ms ?? r.t_ms, kind: 'response', value: { body: r.response } });
  for (const e of trace.events) items.push({ t: e.t_ms, kind: 'event', value: e as Json });
  items.sort((a, b) => a.t - b.t);
  const events: NormEvent[] = [];
  for (const it of items) {
    lab.learn(it.kind === 'event' ? it.value : it.value.body);
    if (it.kind === 'event') events.push(normalizeEvent(it.value, lab, it.t));
  }
  return { lab, events };
}

interface CallerIdentity {
  endpoint: string;
  callerName: string;
  callerNumber: string;
  context: string;
  priority: number;
}

/** Who each caller was, from the StasisStart its call produced (or its far_end name if none). */
function callerIdentities(trace: Trace, callers: [string, FarEndParty][]): Map<string, CallerIdentity> {
  const starts = trace.events.filter((e) => {
    const dp = (e.channel as Json | undefined)?.dialplan as Json | undefined;
    return e.type === 'StasisStart' && dp?.app_name === 'Stasis' && dp?.priority !== 1;
  });
  const used = new Set<number>();
  const out = new Map<string, CallerIdentity>();
  for (const [name, p] of callers) {
    const idx = starts.findIndex((e, i) => {
      const dp = (e.channel as Json).dialplan as Json;
      return !used.has(i) && e.t_ms >= (p.dials_at_ms ?? 0) && dp.exten === p.dials;
    });
    const base = name.replace(/^uac-/, '').replace(/-refer$/, '');
    if (idx < 0) {
      out.set(name, {
        endpoint: `PJSIP/${base}`,
        callerName: '',
        callerNumber: base,
        context: 'default',
        priority: 1,
      });
      continue;
    }
    used.add(idx);
    const ch = starts[idx]!.channel as Json;
    const dp = ch.dialplan as Json;
    const caller = ch.caller as Json;
    out.set(name, {
      endpoint: channelPrefix(String(ch.name)),
      callerName: String(caller.name ?? ''),
      callerNumber: String(caller.number ?? ''),
      context: String(dp.context),
      priority: Number(dp.priority),
    });
  }
  return out;
}

function query(path: string): URLSearchParams {
  return new URLSearchParams(path.split('?')[1] ?? '');
}

export async function replayScenario(trace: Trace, scale: number): Promise<ReplayResult> {
  const { lab: realLab, events: realEvents } = labelRecording(trace);
  const simLab = new Labeler();
  const simEvents: NormEvent[] = [];
  const simKeyCount = new Map<string, number>();
  const problems: NewDivergence[] = [];
  const requests: ReplayedRequest[] = [];

  const wsReqs = trace.requests.filter((r) => r.websocket);
  const firstWs = query(wsReqs[0]!.path);
  const [user, password] = (firstWs.get('api_key') ?? 'asterisk:asterisk').split(':');
  const app = (firstWs.get('app') ?? 'sasacd').split(',')[0]!;
  const parties = Object.entries(trace.far_end);
  const callees = parties.filter(([, p]) => p.role === 'callee');
  const callers = parties
    .filter(([, p]) => p.role === 'caller')
    .sort((a, b) => a[1].dials_at_ms! - b[1].dials_at_ms!);

  // Originated endpoints and their dialplan context, from the recorded originate responses.
  const originated = new Map<string, string>();
  for (const r of trace.requests) {
    if (r.method !== 'POST' || !/^\/ari\/channels(\/[^/?]+)?(\?|$)/.test(r.path)) continue;
    const endpoint = query(r.path).get('endpoint') ?? String((r.body as Json | undefined)?.endpoint ?? '');
    const dp = (r.response as Json | null)?.dialplan as Json | undefined;
    if (endpoint) originated.set(endpoint, dp ? String(dp.context) : (originated.get(endpoint) ?? 'default'));
  }
  // A callee nobody originates to is what the dialplan dials after a `continue`.
  const dialplanRoutes: Record<string, string> = {};
  const unoriginated = callees.filter(([, p]) => !originated.has(p.endpoint!));
  for (const r of trace.requests) {
    const ctx = r.path.includes('/continue') ? query(r.path).get('context') : null;
    if (ctx && unoriginated[0] && !dialplanRoutes[ctx]) dialplanRoutes[ctx] = unoriginated[0][1].endpoint!;
  }

  // Virtual time: it stands still while the runner performs an action, so a slow machine does not
  // reorder the sim's own timers (ring timeouts, dialplan waits) against the replayed requests.
  const clock = new PausableClock(scale);
  clock.pause();
  const sim: SimPbx = await startSimPbx({
    port: 0,
    user: user ?? 'asterisk',
    password: password ?? 'asterisk',
    app,
    clock,
    dialplanRoutes,
  });
  const sockets: WebSocket[] = [];
  const start = clock.now();
  /** A phone acts at the recorded moment (or at once if that has passed): the delay of its INVITE
   *  over the loopback must not push its answer past the app's next move. */
  const atRecorded = (t: number, fn: () => void): void => {
    clock.setTimeout(fn, start + t - clock.now());
  };
  /** Let virtual time run until `t`, then stop it again. */
  const runUntil = async (t: number): Promise<void> => {
    if (clock.now() >= t) return;
    await clock.settle(); // work set off by the last action happens at its instant
    clock.resume();
    while (clock.now() < t) await sleep((t - clock.now()) * scale);
    clock.pauseAt(t);
  };
  /** Wait for the sim with time stopped: whatever a timer was to cause before this moment has been
   *  set off already, and an event that never comes must not let virtual time run. */
  const waitFor = (cond: () => boolean): Promise<boolean> => until(cond, WAIT_MS);

  try {
    // ---- the phones ----
    const scripts = new Map<string, FarEndParty[]>();
    for (const [, p] of callees.sort((a, b) => (a[1].invited_at_ms ?? 0) - (b[1].invited_at_ms ?? 0))) {
      const list = scripts.get(p.endpoint!) ?? [];
      list.push(p);
      scripts.set(p.endpoint!, list);
    }
    for (const [endpoint, list] of scripts) {
      const ws = new WebSocket(sim.endpointsWsUrl);
      sockets.push(ws);
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      const send = (m: Json) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(m));
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as Json;
        if (m.type !== 'invite') return;
        const channelId = String(m.channelId);
        const p = list.shift();
        const invited = p?.invited_at_ms ?? 0;
        if (!p || p.rings_at_ms !== undefined) {
          atRecorded(p?.rings_at_ms ?? 0, () => send({ type: 'ringing', endpoint, channelId }));
        }
        if (!p) return;
        if (p.rejects_with !== undefined) {
          atRecorded(p.rejects_at_ms ?? invited, () =>
            send({ type: 'reject', endpoint, channelId, code: p.rejects_with }),
          );
        } else if (p.answers_at_ms !== undefined) {
          atRecorded(p.answers_at_ms, () => send({ type: 'answer', endpoint, channelId }));
          if (p.hangs_up_at_ms !== undefined) {
            atRecorded(p.hangs_up_at_ms, () => send({ type: 'hangup', endpoint, channelId }));
          }
        }
      });
      send({ type: 'register', endpoint, context: originated.get(endpoint) ?? 'default', autoRing: false });
    }

    // ---- the app side: what the sim sends, labelled as it arrives ----
    const observeEvent = (e: Json): void => {
      simLab.learn(e);
      const n = normalizeEvent(e, simLab, simEvents.length);
      simEvents.push(n);
      simKeyCount.set(n.key, (simKeyCount.get(n.key) ?? 0) + 1);
    };
    const simIdOf = (realId: string): string | undefined => {
      const label = realLab.ids().get(realId);
      if (!label) return undefined;
      for (const [id, l] of simLab.ids()) if (l === label) return id;
      return undefined;
    };

    // ---- the schedule ----
    type Action = { t: number; order: number; run: () => Promise<void> };
    const actions: Action[] = [];
    const calls = new Map<string, string>();
    const identities = callerIdentities(trace, callers);
    for (const [name, p] of callers) {
      const who = identities.get(name)!;
      actions.push({
        t: p.dials_at_ms!,
        order: 1,
        run: async () => {
          const res = await fetch(`${sim.url}/sim/calls`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              line: p.dials,
              callerNumber: who.callerNumber,
              callerName: who.callerName,
              endpoint: who.endpoint,
              context: who.context,
              priority: who.priority,
              app,
              ...(p.referred_at_ms !== undefined && p.hangs_up_at_ms !== undefined
                ? { referHangupMs: 3_600_000 }
                : {}),
            }),
          });
          const body = (await res.json()) as Json;
          if (res.status !== 201) {
            problems.push({ code: `replay caller ${name}`, kind: 'replay', asterisk: 'dials', sim: body });
          } else calls.set(name, String(body.callId));
        },
      });
      if (p.hangs_up_at_ms !== undefined) {
        actions.push({
          t: p.hangs_up_at_ms,
          order: 2,
          run: async () => {
            const id = calls.get(name);
            if (id) await fetch(`${sim.url}/sim/calls/${id}/hangup`, { method: 'POST' });
          },
        });
      }
    }
    const lastRequestT = Math.max(...trace.requests.map((r) => r.t_ms));
    const appSockets: WebSocket[] = [];
    let prevDone = 0;
    for (const r of trace.requests) {
      if (r.websocket) {
        let ws: WebSocket | null = null;
        actions.push({
          t: r.t_ms,
          order: 0,
          run: async () => {
            const q = query(r.path);
            const url = `${sim.url.replace(/^http/, 'ws')}/ari/events?${q.toString()}`;
            ws = new WebSocket(url);
            appSockets.push(ws);
            ws.on('message', (d) => observeEvent(JSON.parse(String(d)) as Json));
            const status = await new Promise<number>((resolve) => {
              ws!.once('open', () => resolve(101));
              ws!.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
              ws!.once('error', () => resolve(0));
            });
            requests.push({ req: r, sim: { status, body: null } });
          },
        });
        if (r.closed_t_ms !== undefined && r.closed_t_ms < lastRequestT) {
          actions.push({ t: r.closed_t_ms, order: 0, run: async () => ws?.terminate() });
        }
        continue;
      }
      // The event the app was reacting to: the last one after the previous request's answer.
      const trigger = [...realEvents]
        .reverse()
        .find((e) => e.t_ms < r.t_ms && e.t_ms >= prevDone && canTrigger(e));
      const triggerCount = trigger
        ? realEvents.filter((e) => e.key === trigger.key && e.t_ms <= trigger.t_ms).length
        : 0;
      prevDone = r.t_resp_ms ?? r.t_ms;
      actions.push({
        t: r.t_ms,
        order: 3,
        run: async () => {
          if (trigger && !(await waitFor(() => (simKeyCount.get(trigger.key) ?? 0) >= triggerCount))) {
            if (process.env.SIM_PBX_DEBUG)
              console.error(`trigger ${trigger.key} x${triggerCount} not seen before ${r.method} ${r.path}`);
          }
          let path = r.path;
          let body =
            r.body === undefined ? undefined : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
          for (const realId of new Set(
            [...r.path.matchAll(ID_PATTERN), ...(body ?? '').matchAll(ID_PATTERN)].map((m) => m[0]),
          )) {
            if (!realLab.has(realId)) continue;
            await waitFor(() => simIdOf(realId) !== undefined);
            const simId = simIdOf(realId);
            if (!simId) {
              problems.push({
                code: `replay unmapped-id ${realLab.of(realId)}`,
                kind: 'replay',
                asterisk: realId,
                sim: 'never seen',
                t_ms: r.t_ms,
              });
              continue;
            }
            path = path.split(realId).join(simId);
            if (body) body = body.split(realId).join(simId);
          }
          const headers: Record<string, string> = {};
          if (r.status !== 401)
            headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
          if (body !== undefined) headers['content-type'] = 'application/json';
          const pending = fetch(`${sim.url}${path}`, {
            method: r.method,
            headers,
            ...(body !== undefined ? { body } : {}),
          });
          // Asterisk answers before it replies: sim-pbx holds that reply on its clock, which
          // stands still during an action; let just the time the operation takes pass.
          let replied = false;
          void pending.then(
            () => (replied = true),
            () => (replied = true),
          );
          while (!replied) {
            await sleep(1);
            if (sim.pbx.clockWaits > 0) clock.advanceToNext();
          }
          const res = await pending;
          const text = await res.text();
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            parsed = text;
          }
          simLab.learn(parsed);
          requests.push({ req: r, sim: { status: res.status, body: parsed } });
        },
      });
    }
    actions.sort((a, b) => a.t - b.t || a.order - b.order);

    for (const a of actions) {
      await runUntil(start + a.t);
      await a.run();
    }
    const lastT = Math.max(lastRequestT, ...trace.events.map((e) => e.t_ms));
    await runUntil(start + lastT + 300);
    // let the last events arrive
    let seen = -1;
    while (seen !== simEvents.length) {
      seen = simEvents.length;
      await sleep(40);
    }
    for (const ws of appSockets) ws.close();
  } finally {
    clock.dispose();
    for (const ws of sockets) ws.terminate();
    await sim.close();
  }
  requests.sort((a, b) => trace.requests.indexOf(a.req) - trace.requests.indexOf(b.req));
  return { realEvents, simEvents, requests, realLab, simLab, problems };
}
