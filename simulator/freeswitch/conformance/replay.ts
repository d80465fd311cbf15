// Replays one recorded scenario against a fresh sim-fs: the app's side (its drachtio frames and
// event-socket commands, ids mapped from the recording to the sim's) and the far end (sipp's
// callers dial and hang up, phones ring, answer or refuse when the recording shows it), paced by
// the recorded times (scaled) and, before each app message, by the sim having sent what the real
// servers had sent on that connection by then. Everything the sim sends is recorded for comparison.
import net from 'node:net';
import { startSimFs } from '../server.js';
import { EslReader, FrameReader, frame } from '../wire.js';
import { drachtioLabel, eslLabel, type FsTrace } from './trace.js';

export type Seen = { label: string; raw: string };
export type Replay = {
  recorded: Map<string, { t_ms: number; label: string }[]>;
  sim: Map<string, Seen[]>;
  problems: { code: string; t_ms: number; detail: string }[];
};

type Action = { t: number; run: () => Promise<void> | void };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

function eslHeaders(raw: string): { headers: Record<string, string>; body: string } {
  const cut = raw.indexOf('\n\n');
  const headers: Record<string, string> = {};
  for (const line of raw.slice(0, cut < 0 ? raw.length : cut).split('\n')) {
    const i = line.indexOf(': ');
    if (i > 0) headers[line.slice(0, i)] = line.slice(i + 2);
  }
  return { headers, body: cut < 0 ? '' : raw.slice(cut + 2) };
}

export async function replayFsScenario(trace: FsTrace, scale: number): Promise<Replay> {
  // The recordings' bridges ran the app's hangup ~10 ms after it was sent: they read audio.
  const lab = await startSimFs({
    secret: 'cymru',
    eslPassword: 'ClueCon',
    timeScale: scale,
    bridgeReadsAudio: true,
  });
  const recorded = new Map<string, { t_ms: number; label: string; raw: string }[]>();
  const push = <T>(m: Map<string, T[]>, k: string, v: T) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);
  for (const f of trace.drachtio)
    if (f.dir === 'server->app')
      push(recorded, f.conn, {
        t_ms: f.t_ms,
        label: drachtioLabel(f.raw.slice(f.raw.indexOf('#') + 1)),
        raw: f.raw,
      });
  for (const f of trace.esl)
    if (f.dir === 'fs->app') {
      const { headers, body } = eslHeaders(f.raw);
      push(recorded, f.conn, { t_ms: f.t_ms, label: eslLabel(headers, body), raw: f.raw });
    }
  const sim = new Map<string, Seen[]>();
  const problems: Replay['problems'] = [];
  const ids = new Map<string, string>();
  const members = new Map<string, string>();
  const sockets = new Map<string, net.Socket>();

  /** The k-th message of a label on a connection teaches the ids it carries. */
  const learn = (conn: string, label: string, raw: string) => {
    const k = (sim.get(conn) ?? []).filter((s) => s.label === label).length - 1;
    const twin = (recorded.get(conn) ?? []).filter((r) => r.label === label)[k];
    if (!twin) return;
    if (conn.startsWith('drachtio')) {
      const a = twin.raw
        .slice(twin.raw.indexOf('#') + 1)
        .split('\r\n')[0]!
        .split('|');
      const b = raw.split('\r\n')[0]!.split('|');
      const at = a[1] === 'sip' ? [8, 9] : [9, 10];
      for (const i of at)
        if (a[i] && b[i] && a[i] !== 'Msg sent:' && b[i] !== 'Msg sent:') ids.set(a[i]!, b[i]!);
      return;
    }
    const ra = eslHeaders(twin.raw);
    const rb = eslHeaders(raw);
    if (label === 'reply CHANNEL_DATA') {
      const u = decodeURIComponent(ra.headers['Unique-ID'] ?? '');
      if (u) ids.set(u, decodeURIComponent(rb.headers['Unique-ID'] ?? ''));
    }
    if (label.startsWith('event CUSTOM')) {
      try {
        const ea = JSON.parse(ra.body) as Record<string, string>;
        const eb = JSON.parse(rb.body) as Record<string, string>;
        if (ea['Member-ID'] && eb['Member-ID']) members.set(ea['Member-ID'], eb['Member-ID']);
        if (ea['Conference-Unique-ID'] && eb['Conference-Unique-ID'])
          ids.set(ea['Conference-Unique-ID'], eb['Conference-Unique-ID']);
      } catch {
        // not JSON: nothing to learn
      }
    }
  };
  const seen = (conn: string, label: string, raw: string) => {
    push(sim, conn, { label, raw });
    learn(conn, label, raw);
  };
  const mapIds = (s: string) => {
    let out = s;
    for (const [a, b] of [...ids.entries()].sort((x, y) => y[0].length - x[0].length))
      out = out.split(a).join(b);
    return out.replace(
      /^(api conference \S+ (?:kick|hup) )(\d+)/m,
      (_m, p: string, n: string) => p + (members.get(n) ?? n),
    );
  };

  // FreeSWITCH's outbound connections come to us, as they came to the app.
  let outboundN = 0;
  const listener = net.createServer((s) => {
    const conn = `outbound-${++outboundN}`;
    sockets.set(conn, s);
    const r = new EslReader();
    s.on('data', (c) => {
      for (const m of r.push(c)) seen(conn, eslLabel(m.headers, m.body), eslRawOf(m));
    });
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', () => resolve()));
  const eslTarget = `127.0.0.1:${(listener.address() as net.AddressInfo).port}`;

  const open = async (conn: string, channel: string) => {
    const port = channel === 'drachtio' ? lab.drachtio.port : lab.esl.port;
    const s = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve) => s.once('connect', () => resolve()));
    s.on('error', () => {});
    sockets.set(conn, s);
    if (channel === 'drachtio') {
      const r = new FrameReader();
      s.on('data', (c) => {
        for (const p of r.push(c)) seen(conn, drachtioLabel(p), p);
      });
    } else {
      const r = new EslReader();
      s.on('data', (c) => {
        for (const m of r.push(c)) seen(conn, eslLabel(m.headers, m.body), eslRawOf(m));
      });
    }
  };

  const gateMs = Math.max(300, 3000 * scale);
  /** Waits until the sim has sent on `conn` what the real server had by `t`. */
  const caughtUp = async (conn: string, t: number) => {
    const want = (recorded.get(conn) ?? []).filter((r) => r.t_ms < t).length;
    const start = Date.now();
    while ((sim.get(conn)?.length ?? 0) < want && Date.now() - start < gateMs) await sleep(2);
  };

  const actions: Action[] = [];
  for (const e of trace.tcp_connections) {
    if (e.channel === 'esl-out') continue;
    if (e.event === 'open') actions.push({ t: e.t_ms, run: () => open(e.conn, e.channel) });
    else if (e.by === 'client')
      actions.push({
        t: e.t_ms,
        run: async () => {
          await caughtUp(e.conn, e.t_ms + 5);
          sockets.get(e.conn)?.destroy();
          if (e.channel === 'drachtio') {
            // The app is gone: so are FreeSWITCH's connections to it.
            for (const [k, s] of sockets) if (k.startsWith('outbound-')) s.destroy();
          }
        },
      });
  }
  for (const f of trace.drachtio) {
    if (f.dir !== 'app->server') continue;
    actions.push({
      t: f.t_ms,
      run: async () => {
        await caughtUp(f.conn, f.t_ms);
        const payload = mapIds(f.raw.slice(f.raw.indexOf('#') + 1)).replace(
          /(\r\nX-esl-outbound:\s*)[^\r\n]+/i,
          `$1${eslTarget}`,
        );
        sockets.get(f.conn)?.write(frame(payload));
      },
    });
  }
  for (const f of trace.esl) {
    if (f.dir !== 'app->fs') continue;
    actions.push({
      t: f.t_ms,
      run: async () => {
        const start = Date.now();
        while (!sockets.has(f.conn) && Date.now() - start < gateMs) await sleep(2);
        await caughtUp(f.conn, f.t_ms);
        const s = sockets.get(f.conn);
        if (!s) {
          problems.push({
            code: `replay no-connection ${f.conn}`,
            t_ms: f.t_ms,
            detail: 'FreeSWITCH never connected',
          });
          return;
        }
        s.write(mapIds(f.raw));
      },
    });
  }
  // The far end (sipp): callers dial and hang up; phones ring, answer, refuse.
  const pending = new Map<string, string[]>(); // phone user -> invited call ids
  const lastReceived = new Map<string, string>();
  const answered = new Map<string, string[]>();
  const callers = new Map<string, string>();
  for (const l of trace.sip_messages) {
    const m = /^INVITE sips?:([^@]+)@/.exec(l.line);
    if (l.dir === 'received' && m && !l.sipp.startsWith('caller') && !lab.sim.phones.has(`PJSIP/${m[1]}`)) {
      const user = m[1]!;
      lab.sim.registerPhone(`PJSIP/${user}`, {
        invite: (leg) => (pending.get(user) ?? pending.set(user, []).get(user)!).push(leg.channelId),
        cancelled: () => {},
        hungUp: () => {},
      });
      callers.set(l.sipp, user);
    }
  }
  for (const l of trace.sip_messages) {
    if (l.sipp.startsWith('tshark')) continue;
    if (l.dir === 'received') {
      actions.push({ t: l.t_ms, run: () => void lastReceived.set(l.sipp, l.line) });
      continue;
    }
    const isCaller = !callers.has(l.sipp);
    actions.push({
      t: l.t_ms,
      run: async () => {
        if (isCaller) {
          const inv = /^INVITE sips?:([^@]+)@/.exec(l.line);
          if (inv)
            callers.set(
              l.sipp,
              lab.sim.injectCall({ line: inv[1]!, callerNumber: 'caller', callerName: 'sipp' }).callId,
            );
          else if (l.line.startsWith('BYE')) {
            const id = callers.get(l.sipp);
            if (id && !lab.sim.calls.get(id)?.ended) lab.sim.callerHangup(id);
          }
          return;
        }
        const user = callers.get(l.sipp)!;
        const phone = lab.sim.phones.get(`PJSIP/${user}`)!;
        if (l.line.startsWith('BYE')) {
          const leg = answered.get(user)?.shift();
          if (leg) phone.hangup(leg);
          return;
        }
        const start = Date.now();
        while (!(pending.get(user)?.length ?? 0) && Date.now() - start < gateMs) await sleep(2);
        const leg = pending.get(user)?.[0];
        if (!leg) return;
        const status = Number(l.line.split(' ')[1]);
        try {
          if (status === 180) phone.ringing(leg);
          else if (status === 200 && (lastReceived.get(l.sipp) ?? '').startsWith('INVITE')) {
            phone.answer(leg);
            pending.get(user)!.shift();
            (answered.get(user) ?? answered.set(user, []).get(user)!).push(leg);
          } else if (status >= 400 && status !== 487) {
            phone.reject(leg, status);
            pending.get(user)!.shift();
          } else if (status === 487) pending.get(user)!.shift();
        } catch (err) {
          problems.push({ code: `replay far-end ${l.sipp}`, t_ms: l.t_ms, detail: (err as Error).message });
        }
      },
    });
  }
  actions.sort((a, b) => a.t - b.t);
  const t0 = actions[0]?.t ?? 0;
  const started = Date.now();
  for (const a of actions) {
    await sleep(started + (a.t - t0) * scale - Date.now());
    await a.run();
  }
  const lastT = Math.max(...[...recorded.values()].flat().map((r) => r.t_ms), t0);
  await sleep(started + (lastT - t0) * scale - Date.now() + 200);
  for (const [conn] of recorded) await caughtUp(conn, Number.POSITIVE_INFINITY);
  for (const s of sockets.values()) s.destroy();
  listener.close();
  await lab.close();
  return {
    recorded: new Map([...recorded].map(([k, v]) => [k, v.map(({ t_ms, label }) => ({ t_ms, label }))])),
    sim,
    problems,
  };
}

function eslRawOf(m: { headers: Record<string, string>; body: string }): string {
  return `${Object.entries(m.headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')}\n\n${m.body}`;
}
