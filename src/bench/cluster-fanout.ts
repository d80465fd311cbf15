// The fan-out part of `sas-acd bench cluster`: two ACD "processes" (two API servers in this
// process, each with its own Socket.IO server on the Redis adapter and its own site shells) on the
// same Redis target. Process A writes every site and publishes their supervisor deltas; process B
// keeps standby read models and serves the supervisors, so a delta reaches them only through the
// Socket.IO Redis adapter (pub/sub, relayed to every node of a cluster). Calls arrive on every site
// through A; measured per call: command sent → the supervisor on B receives the delta (or snapshot)
// carrying it, and, for comparison, command → B's own read model (the stream tail). The coalescing
// of the supervisor feed (one update per site per interval, 250 ms by default) is part of the
// first delay by design; `deliveryMs` (the publisher's flush → received) is the transport alone.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { io as ioClient, type Socket } from 'socket.io-client';
import { createApi, type Api } from '../api/index.js';
import { InMemoryUserStore } from '../auth/index.js';
import { exampleSite } from '../core/example-site.js';
import { parseSiteConfig, type SiteConfig } from '../core/config.js';
import { createLogger } from '../ports/logger.js';
import { SiteShell } from '../shell/site-shell.js';
import type { RedisTarget } from '../store/redis-connection.js';

const SECRET = 'bench-cluster-fanout-secret-0123456789';
const PASSWORD = 'bench';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round = (x: number) => Math.round(x * 10) / 10;

function siteConfig(id: string): SiteConfig {
  const parsed = parseSiteConfig({ ...exampleSite, id });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.config;
}

async function serve(api: Api): Promise<{ server: HttpServer; url: string }> {
  const server = createServer(api.app);
  api.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export type FanoutFigures = {
  calls: number;
  p50CommandToSupervisorMs: number;
  p99CommandToSupervisorMs: number;
  p99CommandToOtherReadModelMs: number;
  p99DeliveryMs: number;
  supervisorIntervalMs: number;
};

export async function fanoutAcrossProcesses(
  target: RedisTarget,
  name: string,
  o: { sites: number; callsPerSecond: number; seconds: number; intervalMs?: number },
): Promise<FanoutFigures> {
  const intervalMs = o.intervalMs ?? 250;
  const logger = createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const ids = Array.from({ length: o.sites }, (_, i) => `bench-fan-${name}-${Date.now().toString(36)}-${i}`);
  const sent = new Map<string, number>();
  const toReadModel: number[] = [];
  const writers = new Map<string, SiteShell>();
  const standbys = new Map<string, SiteShell>();
  for (const id of ids) {
    writers.set(id, await SiteShell.start({ config: siteConfig(id), logger, store: { redisUrl: target } }));
    standbys.set(
      id,
      await SiteShell.start({
        config: siteConfig(id),
        logger,
        store: { redisUrl: target, writer: false },
        onEvents: (events) => {
          const now = performance.now();
          for (const e of events)
            if (e.type === 'CallArrived' && sent.has(e.callId)) toReadModel.push(now - sent.get(e.callId)!);
        },
      }),
    );
  }
  const users = new InMemoryUserStore({ N: 1024, r: 8, p: 1 });
  await users.add({
    id: 'sup',
    username: 'sup',
    password: PASSWORD,
    roles: ['supervisor'],
    sites: ids,
    agentId: null,
  });
  const common = {
    users,
    logger,
    jwtSecret: SECRET,
    redisUrl: target,
    processMetrics: false,
    supervisorIntervalMs: intervalMs,
  };
  const apiA = createApi({
    ...common,
    sites: writers,
    publishes: (site) => writers.get(site)?.role === 'leader',
  });
  const apiB = createApi({ ...common, sites: standbys, publishes: () => false });
  const a = await serve(apiA);
  const b = await serve(apiB);
  let socket: Socket | null = null;
  try {
    const deadline = Date.now() + 60_000;
    while (![...writers.values()].every((w) => w.role === 'leader')) {
      if (Date.now() > deadline) throw new Error('bench cluster fan-out: every site led within 60 s');
      await sleep(20);
    }
    const login = await fetch(`${b.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'sup', password: PASSWORD }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const client = ioClient(`${b.url}/supervisor`, {
      auth: { token: accessToken },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    socket = client;
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('connect_error', reject);
    });
    const toSupervisor: number[] = [];
    const seen = new Set<string>();
    const delivery: number[] = [];
    const onUpdate = (u: { serverTime: number; calls: { id: string }[] }) => {
      const now = performance.now();
      delivery.push(Date.now() - u.serverTime);
      for (const c of u.calls) {
        const at = sent.get(c.id);
        // Counted once: later deltas of the same call are not its fan-out.
        if (at === undefined || seen.has(c.id)) continue;
        seen.add(c.id);
        toSupervisor.push(now - at);
      }
    };
    client.on('delta', onUpdate);
    client.on('snapshot', onUpdate);

    const total = Math.round(o.callsPerSecond * o.seconds);
    const started = performance.now();
    let k = 0;
    const answers: Promise<unknown>[] = [];
    while (k < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1_000) * o.callsPerSecond));
      for (; k < due; k++) {
        const callId = `fan${k}`;
        const site = writers.get(ids[k % ids.length]!)!;
        sent.set(callId, performance.now());
        answers.push(site.dispatch({ type: 'arriveCall', callId, line: '15', callerNumber: null }));
      }
      await sleep(2);
    }
    await Promise.all(answers);
    const waitUntil = Date.now() + 30_000;
    while ((toSupervisor.length < total || toReadModel.length < total) && Date.now() < waitUntil)
      await sleep(20);
    if (toSupervisor.length < total)
      throw new Error(
        `bench cluster fan-out: ${toSupervisor.length} of ${total} calls reached the supervisor`,
      );
    toSupervisor.sort((x, y) => x - y);
    toReadModel.sort((x, y) => x - y);
    delivery.sort((x, y) => x - y);
    return {
      calls: total,
      p50CommandToSupervisorMs: round(percentile(toSupervisor, 50)),
      p99CommandToSupervisorMs: round(percentile(toSupervisor, 99)),
      p99CommandToOtherReadModelMs: round(percentile(toReadModel, 99)),
      p99DeliveryMs: round(percentile(delivery, 99)),
      supervisorIntervalMs: intervalMs,
    };
  } finally {
    socket?.close();
    for (const { server } of [a, b]) server.closeAllConnections();
    await Promise.all([apiA.close(), apiB.close()]);
    await Promise.all([a, b].map(({ server }) => new Promise((resolve) => server.close(resolve))));
    await Promise.all([...writers.values(), ...standbys.values()].map((s) => s.stop()));
  }
}
