// `sas-acd bench fanout`: live supervision under load. 200 supervisor clients (real socket.io-client
// connections) watch one site while 100 calls/s arrive through an in-process SiteShell (memory log); phones
// answer at once, and each call's agent qualifies it (DR) and hangs up over REST after a short
// talk. Measured: the delay from an event applied (persisted, in process) to a client receiving
// the update that carries it (the oldest change folded into each delta, so a delta's worst case),
// the delivery delay (the server starts a flush → a client receives it: the system's own cost,
// without the coalescing wait), and the REST qualify latency under that load. Baseline in the
// same run: a plain Socket.IO server broadcasting the very same delta payloads, at the same pace,
// to 200 plain clients (its delivery delay is what Socket.IO and the clients' process cost alone).
// Coalescing at R updates/s (default: the server's, 5; FANOUT_MAX_UPDATES_PER_SECOND=N to change it)
// adds a wait of up to 1000/R ms to the update delay by design (`coalescingFloorMs`): under steady
// traffic every delta's oldest change has waited about that long, so p99UpdateDelayMs ≈ floor +
// delivery. The price of a shorter floor is more messages: `updatesPerClientPerSecond` and
// `bytesPerClientPerSecond` say what one console receives.
// The clients run in a child process (this same file, see CHILD below): in the server's process
// their JSON parsing would be measured as the server's delay.
import { fork } from 'node:child_process';
import { Agent as HttpAgent, createServer, request, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import { io as ioClient, type Socket } from 'socket.io-client';
import { createApi } from '../api/index.js';
import { InMemoryUserStore } from '../auth/index.js';
import { createLogger } from '../ports/logger.js';
import { DEFAULT_SUPERVISOR_INTERVAL_MS } from '../realtime/index.js';
import { SiteShell } from '../shell/site-shell.js';
import { bigSite } from './core.js';
import { addBench } from './registry.js';

const SECRET = 'bench-secret-bench-secret-bench-secret';
const PASSWORD = 'bench';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function listen(server: HttpServer): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function connectAll(url: string, n: number, auth: Record<string, unknown>): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < n; i++) {
    const s = ioClient(url, { auth, transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push(s);
  }
  await Promise.all(
    sockets.map(
      (s) =>
        new Promise<void>((resolve, reject) => {
          s.once('connect', () => resolve());
          s.once('connect_error', reject);
        }),
    ),
  );
  return sockets;
}

const CHILD = 'SAS_ACD_FANOUT_CLIENTS';
type Recorded = { update: number[]; delivery: number[]; maxPerSecond: number };

/** In the child: connect the clients, record delays between 'record' and 'stop', send them back. */
async function clientProcess(spec: { url: string; n: number; auth: Record<string, unknown> }) {
  const sockets = await connectAll(spec.url, spec.n, spec.auth);
  const rec: Recorded = { update: [], delivery: [], maxPerSecond: 0 };
  const firstClientTimes: number[] = [];
  let recording = false;
  sockets.forEach((s, i) =>
    s.on('delta', (d: { changedSince?: number; serverTime?: number; sentAt?: number }) => {
      if (!recording) return;
      const now = Date.now();
      if (i === 0) firstClientTimes.push(d.serverTime ?? now);
      if (d.changedSince !== undefined) rec.update.push(now - d.changedSince);
      rec.delivery.push(now - (d.sentAt ?? d.serverTime ?? now));
    }),
  );
  process.on('message', (m) => {
    if (m === 'record') recording = true;
    if (m === 'stop') {
      recording = false;
      // Most updates sent to one client within any one second, by their send time (the cap).
      for (let i = 0, j = 0; j < firstClientTimes.length; j++) {
        while (firstClientTimes[j]! - firstClientTimes[i]! >= 1000) i++;
        rec.maxPerSecond = Math.max(rec.maxPerSecond, j - i + 1);
      }
      for (const s of sockets) s.disconnect();
      process.send!(rec, () => process.exit(0));
    }
  });
  process.send!('ready');
}
if (process.env[CHILD]) void clientProcess(JSON.parse(process.env[CHILD]));

async function spawnClients(url: string, n: number, auth: Record<string, unknown>) {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, [CHILD]: JSON.stringify({ url, n, auth }) },
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`fanout clients exited with ${code}`)));
  });
  return {
    record: () => child.send('record'),
    stop: () =>
      new Promise<Recorded>((resolve) => {
        child.once('message', (m) => resolve(m as Recorded));
        child.send('stop');
      }),
  };
}

type Sent = { payload: unknown; at: number };

async function measured(clients: number, callsPerSecond: number, seconds: number, intervalMs: number) {
  const logger = createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const agents = Math.ceil(callsPerSecond * 1.6);
  const runtime = await SiteShell.start({ config: bigSite(agents, 0, 0), logger });
  const users = new InMemoryUserStore({ N: 1024, r: 8, p: 1 });
  for (let i = 0; i < agents; i++)
    await users.add({
      id: `u${i}`,
      username: `arm-n1-${i}`,
      password: PASSWORD,
      roles: ['arm'],
      sites: ['44'],
      agentId: `arm-n1-${i}`,
    });
  await users.add({
    id: 'sup',
    username: 'sup',
    password: PASSWORD,
    roles: ['supervisor'],
    sites: ['44'],
    agentId: null,
  });
  const api = createApi({
    sites: new Map([['44', runtime]]),
    users,
    logger,
    jwtSecret: SECRET,
    loginAttempts: 100_000,
    processMetrics: false,
    supervisorIntervalMs: intervalMs,
  });
  const server = createServer(api.app);
  // Longer than any pause of the REST agents: no keep-alive socket closed under a request.
  server.keepAliveTimeout = 60_000;
  api.attach(server);
  const url = await listen(server);
  // node:http with keep-alive: fetch (undici) costs several times more CPU per request, and the
  // REST agents share the server's process.
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
  const post = (path: string, token: string, body: unknown) =>
    new Promise<number>((resolve, reject) => {
      const data = JSON.stringify(body);
      const req = request(
        url + '/api/v1' + path,
        {
          method: 'POST',
          agent,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(data),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  const login = async (username: string) => {
    const res = await fetch(url + '/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    return ((await res.json()) as { accessToken: string }).accessToken;
  };
  const tokens = new Map<string, string>();
  for (let i = 0; i < agents; i++) {
    const t = await login(`arm-n1-${i}`);
    tokens.set(`arm-n1-${i}`, t);
    await post('/sites/44/agent/login', t, {});
  }

  // Supervisors in a child process; one observer here keeps the payloads for the baseline.
  const supToken = await login('sup');
  const clientsProc = await spawnClients(url + '/supervisor', clients, { token: supToken });
  const [observer] = await connectAll(url + '/supervisor', 1, { token: supToken });
  const sent: Sent[] = [];
  // The observer is the room's last member, in the server's own process: flush start → its receipt
  // is the server's part of the delivery (build, encode once, write to every socket).
  const serverSide: number[] = [];
  let recording = false;
  observer!.on('delta', (d: { serverTime: number }) => {
    if (!recording) return;
    serverSide.push(Date.now() - d.serverTime);
    sent.push({ payload: d, at: d.serverTime });
  });

  // The phones answer at once; the agent talks a little, qualifies DR and hangs up over REST.
  const qualifyMs: number[] = [];
  const errors: number[] = [];
  const errorMessages = new Set<string>();
  const talkMs = 400;
  runtime.onEvents((events) => {
    for (const e of events) {
      if (e.type === 'CallOffered')
        setImmediate(() => runtime.dispatch({ type: 'answerOffer', callId: e.callId, agentId: e.agentId }));
      if (e.type === 'CallConnected') {
        const token = tokens.get(e.agentId)!;
        setTimeout(() => {
          const started = performance.now();
          const measuring = recording;
          post(`/sites/44/calls/${e.callId}/qualify`, token, {
            qualification: 'DR',
            name: 'X',
            phone: '0600000000',
          })
            .then((q) => {
              if (measuring) qualifyMs.push(performance.now() - started);
              if (q !== 200) errors.push(q);
              return post(`/sites/44/calls/${e.callId}/hangup`, token, { disposition: 'autre' });
            })
            .then((hang) => {
              if (hang !== 200) errors.push(hang);
            })
            .catch((err: Error) => {
              errors.push(0);
              errorMessages.add(err.message);
            });
        }, talkMs);
      }
    }
  });

  const total = callsPerSecond * seconds;
  const warmup = callsPerSecond; // the first second is not recorded
  const started = performance.now();
  let arrived = 0;
  while (arrived < total + warmup) {
    const due = Math.min(total + warmup, Math.floor(((performance.now() - started) / 1000) * callsPerSecond));
    for (; arrived < due; arrived++) {
      if (arrived === warmup) {
        recording = true;
        clientsProc.record();
      }
      runtime.dispatch({
        type: 'arriveCall',
        callId: `b-${arrived}`,
        line: '15',
        callerNumber: '0611111111',
      });
    }
    await sleep(2);
  }
  const elapsed = (performance.now() - started) / 1000;
  recording = false;
  const { update: updateDelays, delivery: deliveryDelays, maxPerSecond } = await clientsProc.stop();
  // Drain: every call qualified and hung up before the server closes.
  const drainUntil = performance.now() + 10_000;
  while (Object.keys(runtime.state.data.calls).length > 0 && performance.now() < drainUntil) await sleep(50);
  const left = Object.keys(runtime.state.data.calls).length;
  observer!.disconnect();
  agent.destroy();
  await api.close();
  await runtime.stop();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    achievedCallsPerSecond: round((total + warmup) / elapsed, 0),
    agents,
    updates: updateDelays.length / clients,
    maxPerSecond,
    p50UpdateDelayMs: round(percentile(updateDelays, 50)),
    p99UpdateDelayMs: round(percentile(updateDelays, 99)),
    p50DeliveryMs: round(percentile(deliveryDelays, 50)),
    p99DeliveryMs: round(percentile(deliveryDelays, 99)),
    p99ServerSideMs: round(percentile(serverSide, 99)),
    p50QualifyMs: round(percentile(qualifyMs, 50), 2),
    p99QualifyMs: round(percentile(qualifyMs, 99), 2),
    restErrors: errors.length,
    restErrorStatuses: [...new Set(errors)].sort().join(','),
    restErrorMessages: [...errorMessages].join('; '),
    callsLeftAfterRun: left,
    sent,
  };
}

/** Plain Socket.IO: one broadcast of each recorded payload, at the recorded pace, to `clients`. */
async function baseline(clients: number, sent: Sent[]) {
  const server = createServer();
  const io = new Server(server, { serveClient: false });
  const url = await listen(server);
  const clientsProc = await spawnClients(url, clients, {});
  clientsProc.record();
  const t0 = sent[0]?.at ?? 0;
  const start = Date.now();
  for (const m of sent) {
    const wait = m.at - t0 - (Date.now() - start);
    if (wait > 0) await sleep(wait);
    io.emit('delta', { ...(m.payload as object), sentAt: Date.now() });
  }
  await sleep(300);
  const { delivery: delays } = await clientsProc.stop();
  io.disconnectSockets(true);
  io.engine.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { p50: round(percentile(delays, 50)), p99: round(percentile(delays, 99)) };
}

addBench('fanout', {
  description:
    "200 supervisor Socket.IO clients while 100 calls/s flow through an in-process site (phones answer, agents qualify and hang up over REST): event→client delay, flush→client delivery and REST qualify latency, vs a plain Socket.IO broadcast of the same payloads (FANOUT_MAX_UPDATES_PER_SECOND=N: the feed cap, default the server's 5)",
  run: async ({ quick }) => {
    const clients = Number(process.env.FANOUT_CLIENTS ?? 200);
    const callsPerSecond = 100;
    // The supervisor feed's cap, the server's own by default. An environment variable, since the
    // `bench` command has no per-benchmark options.
    const maxUpdatesPerSecond = Number(
      process.env.FANOUT_MAX_UPDATES_PER_SECOND ?? 1000 / DEFAULT_SUPERVISOR_INTERVAL_MS,
    );
    if (!(maxUpdatesPerSecond > 0))
      throw new Error(`FANOUT_MAX_UPDATES_PER_SECOND must be > 0, got ${maxUpdatesPerSecond}`);
    const intervalMs = 1000 / maxUpdatesPerSecond;
    const seconds = quick ? 3 : 15;
    const load1 = loadavg()[0] ?? NaN;
    const m = await measured(clients, callsPerSecond, seconds, intervalMs);
    const b = await baseline(clients, m.sent);
    const payloadBytes =
      m.sent.length > 0 ? JSON.stringify(m.sent.map((s) => s.payload)).length / m.sent.length : 0;
    return {
      clients,
      callsPerSecond,
      p99UpdateDelayMs: m.p99UpdateDelayMs,
      p99QualifyMs: m.p99QualifyMs,
      maxUpdatesPerSecond,
      coalescingFloorMs: round(intervalMs),
      p99DeliveryMs: m.p99DeliveryMs,
      baselineP99DeliveryMs: b.p99,
      p50UpdateDelayMs: m.p50UpdateDelayMs,
      p50DeliveryMs: m.p50DeliveryMs,
      baselineP50DeliveryMs: b.p50,
      p99ServerSideMs: m.p99ServerSideMs,
      p50QualifyMs: m.p50QualifyMs,
      updatesPerClient: m.updates,
      maxUpdatesPerClientInOneSecond: m.maxPerSecond,
      meanDeltaBytes: round(payloadBytes, 0),
      // What one console receives: the cost of the cap (JSON length, before Socket.IO framing).
      updatesPerClientPerSecond: round(m.updates / seconds, 2),
      bytesPerClientPerSecond: round((m.updates / seconds) * payloadBytes, 0),
      achievedCallsPerSecond: m.achievedCallsPerSecond,
      agents: m.agents,
      seconds,
      restErrors: m.restErrors,
      restErrorStatuses: m.restErrorStatuses,
      restErrorMessages: m.restErrorMessages,
      callsLeftAfterRun: m.callsLeftAfterRun,
      cpus: cpus().length,
      loadAverage1mBefore: round(load1, 2),
      loadAverage1m: round(loadavg()[0] ?? NaN, 2),
    };
  },
});
