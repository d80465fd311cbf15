// `sas-acd bench cluster`: many sites written by one ACD process, on one redis-server and on a
// real Redis Cluster (3 masters + 3 replicas on loopback, src/store/redis-cluster-server.ts) in the
// same run, and on the cluster with WAIT 1 (an append answered once a replica has it). Per target:
// persisted events per second with a backlog on every site (saturation), and command→persisted
// and command→read model (a tail per site, the fan-out to other processes) latency with the
// national load replayed at a compressed speed, spread over the sites. The
// writer path is the real one (commands stream → handle → fenced Lua append → ack) with a
// one-event-per-command reducer, as in `bench store`, so the figures are the store's, not the
// engine's (`bench core` has those). Then, with the engine, calls written by one ACD process and
// watched by a supervisor connected to another (Socket.IO Redis adapter, cluster-fanout.ts); and the
// Redis masters' CPU during the backlog, for how many sites one shard carries.
import { cpus, loadavg } from 'node:os';
import { startRedisCluster } from '../store/redis-cluster-server.js';
import { connectRedis, type RedisClient, type RedisTarget } from '../store/redis-connection.js';
import { siteKeys } from '../store/keys.js';
import { startRedisServer } from '../store/redis-server.js';
import { EventTail } from '../store/tail.js';
import { SiteWriter } from '../store/writer.js';
import { fanoutAcrossProcesses } from './cluster-fanout.js';
import { addBench } from './registry.js';

type Counted = { type: 'Counted'; n: number; sentAt?: number };
type Count = { type: 'count'; n: number; sentAt: number };
type Counter = { count: number };

// Illustrative load model (sources: the "30 million calls a year"; the peak factor and the
// commands per call are assumptions, to be replaced by a site's own trace).
const CALLS_PER_YEAR = 30_000_000;
const PEAK_TO_MEAN = 5;
const COMMANDS_PER_CALL = 12;
const NATIONAL_SITES = 100;
const nationalPeakCommandsPerSecond = (CALLS_PER_YEAR / (365 * 86_400)) * PEAK_TO_MEAN * COMMANDS_PER_CALL;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

function startWriters(
  target: RedisTarget,
  sites: string[],
  replicas: { count: number; timeoutMs: number } | undefined,
  onPersisted: (commands: Count[], at: number) => void,
  onLost?: () => void,
) {
  return sites.map(
    (site) =>
      new SiteWriter<Counter, Counted, Count>({
        redis: target,
        site,
        reducer: {
          initial: () => ({ count: 0 }),
          evolve: (s) => {
            s.count += 1;
          },
        },
        isKnownEvent: (e): e is Counted => e.type === 'Counted',
        handle: (_s, command) => ({
          events: [{ type: 'Counted' as const, n: command.n, sentAt: command.sentAt }],
        }),
        batchSize: 200,
        snapshotEveryEvents: 50_000,
        ...(replicas ? { replicas } : {}),
        // A leader sent back to standby (lease not renewed in time on a loaded machine): its
        // site's commands wait for the next tenure, which is what the tail of the latency shows.
        onRoleChange: (role) => {
          if (role === 'standby') onLost?.();
        },
        afterAppend: ({ entries }) =>
          onPersisted(
            entries.map((e) => e.command as Count),
            performance.now(),
          ),
      }),
  );
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`bench cluster: ${what} within ${timeoutMs / 1000} s`);
    await sleep(5);
  }
}

/** A backlog of `perSite` commands on every site, then the writers: persisted events per second. */
async function saturation(
  target: RedisTarget,
  client: RedisClient,
  sites: string[],
  perSite: number,
  replicas?: { count: number; timeoutMs: number },
  redisCpu?: () => Promise<number>,
): Promise<{ eventsPerSecond: number; redisCpuSeconds: number }> {
  for (const site of sites) {
    const pipeline = client.pipeline();
    for (let k = 0; k < perSite; k++)
      pipeline.xadd(
        siteKeys(site).commands,
        '*',
        'id',
        `c${k}`,
        'command',
        JSON.stringify({ type: 'count', n: 1 }),
      );
    await pipeline.exec();
  }
  const total = sites.length * perSite;
  let persisted = 0;
  let first = 0;
  let last = 0;
  const cpuBefore = (await redisCpu?.()) ?? 0;
  const writers = startWriters(target, sites, replicas, (commands, at) => {
    if (first === 0) first = at;
    persisted += commands.length;
    last = at;
  });
  await waitUntil(() => persisted >= total, `${total} events persisted`, 120_000);
  const redisCpuSeconds = ((await redisCpu?.()) ?? 0) - cpuBefore;
  await Promise.all(writers.map((w) => w.stop()));
  return { eventsPerSecond: total / ((last - first) / 1_000), redisCpuSeconds };
}

/**
 * CPU seconds the Redis masters among `urls` have used so far (INFO cpu, main thread and others):
 * a shard executes commands on one thread, so events per master CPU second is about what one shard
 * carries at saturation.
 */
async function mastersCpuSeconds(urls: string[]): Promise<number> {
  let total = 0;
  for (const url of urls) {
    const node = connectRedis(url, { maxRetriesPerRequest: 1 });
    node.on('error', () => undefined);
    try {
      if (!/role:master/.test(await node.info('replication'))) continue;
      const cpu = await node.info('cpu');
      const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(cpu)?.[1] ?? 0);
      total += field('used_cpu_user') + field('used_cpu_sys');
    } finally {
      node.disconnect();
    }
  }
  return total;
}

/** Commands at `rate` per second over all sites (round robin) for `seconds`: command→persisted. */
async function paced(
  target: RedisTarget,
  client: RedisClient,
  sites: string[],
  rate: number,
  seconds: number,
  replicas?: { count: number; timeoutMs: number },
) {
  const latencies: number[] = [];
  const seen: number[] = [];
  let tenuresLost = 0;
  const writers = startWriters(
    target,
    sites,
    replicas,
    (commands, at) => {
      for (const command of commands) latencies.push(at - command.sentAt);
    },
    () => (tenuresLost += 1),
  );
  // A read model per site, as every other process keeps one: when the event reaches it (fan-out).
  const tails = sites.map(
    (site) =>
      new EventTail<Counter, Counted>({
        redis: target,
        site,
        reducer: { initial: () => ({ count: 0 }), evolve: () => undefined },
        isKnownEvent: (e): e is Counted => e.type === 'Counted',
        onEvent: (event) => {
          if (event.sentAt !== undefined) seen.push(performance.now() - event.sentAt);
        },
      }),
  );
  await waitUntil(() => writers.every((w) => w.role === 'leader'), 'every site led');
  await Promise.all(tails.map((t) => t.caughtUp('0-0')));
  const total = Math.round(rate * seconds);
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1_000) * rate));
    const sends: Promise<unknown>[] = [];
    for (; sent < due; sent++) {
      const command: Count = { type: 'count', n: 1, sentAt: performance.now() };
      const site = sites[sent % sites.length]!;
      sends.push(
        client.xadd(siteKeys(site).commands, '*', 'id', `c${sent}`, 'command', JSON.stringify(command)),
      );
    }
    await Promise.all(sends);
    await sleep(1);
  }
  const elapsed = (performance.now() - started) / 1_000;
  await waitUntil(() => latencies.length >= total, `${total} paced commands persisted`);
  await waitUntil(() => seen.length >= total, `${total} paced events seen by the read models`);
  await Promise.all([...writers.map((w) => w.stop()), ...tails.map((t) => t.stop())]);
  latencies.sort((a, b) => a - b);
  seen.sort((a, b) => a - b);
  return {
    commandsPerSecond: round(total / elapsed, 0),
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies.at(-1) ?? NaN),
    p99Seen: round(percentile(seen, 99)),
    tenuresLost,
  };
}

async function measure(
  name: string,
  target: RedisTarget,
  siteCount: number,
  o: { perSite: number; rate: number; seconds: number },
  replicas: { count: number; timeoutMs: number } | undefined,
  nodeUrls: string[],
  fanout?: { sites: number; callsPerSecond: number; seconds: number },
) {
  const client = connectRedis(target, { maxRetriesPerRequest: 5 });
  client.on('error', () => undefined);
  try {
    const sites = (phase: string) =>
      Array.from({ length: siteCount }, (_, i) => `bench-${name}-${phase}-${i}`);
    const sat = await saturation(target, client, sites('sat'), o.perSite, replicas, () =>
      mastersCpuSeconds(nodeUrls),
    );
    const latency = await paced(target, client, sites('paced'), o.rate, o.seconds, replicas);
    const fan = fanout ? await fanoutAcrossProcesses(target, name, fanout) : null;
    return {
      eventsPerSecond: round(sat.eventsPerSecond, 0),
      eventsPerRedisCpuSecond: round((siteCount * o.perSite) / sat.redisCpuSeconds, 0),
      ...latency,
      fan,
    };
  } finally {
    client.disconnect();
  }
}

addBench('cluster', {
  description:
    'many sites written by one process: events/s (backlog) and command→persisted p99 (national load, compressed) on one redis-server, on a real Redis Cluster (3+3 on loopback), and on the cluster with WAIT 1; command→supervisor on another process (Socket.IO Redis adapter); events per Redis master CPU second (sites per shard)',
  run: async ({ quick }) => {
    const siteCount = quick ? 10 : 40;
    const compression = quick ? 10 : 20;
    const rate = Math.round(nationalPeakCommandsPerSecond * compression);
    const o = { perSite: quick ? 300 : 1_000, rate, seconds: quick ? 2 : 5 };
    // Calls arriving through process A, watched by a supervisor on process B (cluster-fanout.ts).
    const fanout = { sites: quick ? 4 : 10, callsPerSecond: quick ? 20 : 40, seconds: quick ? 2 : 5 };
    const single = await startRedisServer({ appendfsync: 'everysec' });
    let one;
    try {
      one = await measure('one', single.url, siteCount, o, undefined, [single.url], fanout);
    } finally {
      await single.stop();
    }
    const cluster = await startRedisCluster({ appendfsync: 'everysec' });
    let onCluster;
    let waitOne;
    try {
      const urls = cluster.nodes.map((n) => n.url);
      onCluster = await measure('cluster', cluster.target, siteCount, o, undefined, urls, fanout);
      waitOne = await measure('wait1', cluster.target, siteCount, o, { count: 1, timeoutMs: 1_000 }, urls);
    } finally {
      await cluster.stop();
    }
    const perSitePeakCommandsPerSecond = nationalPeakCommandsPerSecond / NATIONAL_SITES;
    return {
      sites: siteCount,
      pacedCommandsPerSecond: rate,
      compression,
      nationalPeakCommandsPerSecondIllustrative: round(nationalPeakCommandsPerSecond),
      oneRedisEventsPerSecond: one.eventsPerSecond,
      oneRedisP50CommandToPersistedMs: one.p50,
      oneRedisP99CommandToPersistedMs: one.p99,
      oneRedisP99CommandToReadModelMs: one.p99Seen,
      oneRedisWriterTenuresLost: one.tenuresLost,
      oneRedisEventsPerRedisCpuSecond: one.eventsPerRedisCpuSecond,
      oneRedisP50CommandToSupervisorOnOtherProcessMs: one.fan?.p50CommandToSupervisorMs,
      oneRedisP99CommandToSupervisorOnOtherProcessMs: one.fan?.p99CommandToSupervisorMs,
      oneRedisP99CommandToOtherReadModelMs: one.fan?.p99CommandToOtherReadModelMs,
      oneRedisP99SupervisorDeliveryMs: one.fan?.p99DeliveryMs,
      clusterEventsPerSecond: onCluster.eventsPerSecond,
      clusterP50CommandToPersistedMs: onCluster.p50,
      clusterP99CommandToPersistedMs: onCluster.p99,
      clusterP99CommandToReadModelMs: onCluster.p99Seen,
      clusterWriterTenuresLost: onCluster.tenuresLost,
      clusterEventsPerRedisCpuSecond: onCluster.eventsPerRedisCpuSecond,
      clusterP50CommandToSupervisorOnOtherProcessMs: onCluster.fan?.p50CommandToSupervisorMs,
      clusterP99CommandToSupervisorOnOtherProcessMs: onCluster.fan?.p99CommandToSupervisorMs,
      clusterP99CommandToOtherReadModelMs: onCluster.fan?.p99CommandToOtherReadModelMs,
      clusterP99SupervisorDeliveryMs: onCluster.fan?.p99DeliveryMs,
      fanoutCalls: onCluster.fan?.calls,
      fanoutSites: fanout.sites,
      supervisorIntervalMs: onCluster.fan?.supervisorIntervalMs,
      clusterWait1EventsPerSecond: waitOne.eventsPerSecond,
      clusterWait1P50CommandToPersistedMs: waitOne.p50,
      clusterWait1P99CommandToPersistedMs: waitOne.p99,
      clusterWait1P99CommandToReadModelMs: waitOne.p99Seen,
      clusterWait1WriterTenuresLost: waitOne.tenuresLost,
      wait1P99CostMs: round(waitOne.p99 - onCluster.p99),
      // One process's measured saturation over the illustrative per-site peak: how many sites it
      // carries at peak (a lower bound for one shard, which this one process does not saturate).
      sitesPerProcessByThroughputIllustrative: Math.floor(
        onCluster.eventsPerSecond / perSitePeakCommandsPerSecond,
      ),
      // A shard's master runs commands on one thread: events per master CPU second is about what
      // one shard carries when saturated (one event per command here; the engine writes several).
      sitesPerShardByRedisCpuIllustrative: Math.floor(
        onCluster.eventsPerRedisCpuSecond / perSitePeakCommandsPerSecond,
      ),
      cpus: cpus().length,
      loadAverage1m: round(loadavg()[0] ?? NaN),
    };
  },
});
