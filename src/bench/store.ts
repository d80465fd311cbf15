// `sas-acd bench store`: how fast the store persists events through the full writer path (commands
// stream → handle → fenced Lua append → ack), beside a plain ioredis XADD loop in the same run, and
// the command→persisted latency at 500 and 5,000 commands/s. Starts its own redis-server (AOF on,
// appendfsync everysec, as in production) on a free port; producer and writer share this process.
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { SiteWriter } from '../store/writer.js';
import { siteKeys } from '../store/keys.js';
import { startRedisServer } from '../store/redis-server.js';
import { addBench } from './registry.js';

type Counted = { type: 'Counted'; n: number };
type Count = { type: 'count'; n: number; sentAt: number };
type Counter = { total: number; count: number };

const counter = {
  initial: (): Counter => ({ total: 0, count: 0 }),
  evolve: (state: Counter, event: Counted) => {
    state.total += event.n;
    state.count += 1;
  },
};
const isCounted = (event: { type: string }): event is Counted => event.type === 'Counted';
const handle = (_state: Counter, command: Count) => ({
  events: [{ type: 'Counted' as const, n: command.n }],
});
const payload = (n: number) =>
  JSON.stringify({ type: 'Counted', n, callId: `c-${n}`, queueId: 'n1-regulation' });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** A plain `await redis.xadd()` loop, one event at a time: the baseline. */
async function baselineXadd(redis: Redis, n: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i++) await redis.xadd('bench:{baseline}:events', '*', 'event', payload(i));
  return n / ((performance.now() - started) / 1000);
}

/** The same XADDs pipelined 100 at a time: what Redis can take at best from one connection. */
async function baselinePipelined(redis: Redis, n: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i += 100) {
    const pipeline = redis.pipeline();
    for (let k = i; k < Math.min(n, i + 100); k++)
      pipeline.xadd('bench:{piped}:events', '*', 'event', payload(k));
    await pipeline.exec();
  }
  return n / ((performance.now() - started) / 1000);
}

function startWriter(url: string, site: string, onPersisted: (commands: Count[], at: number) => void) {
  return new SiteWriter<Counter, Counted, Count>({
    redis: url,
    site,
    reducer: counter,
    isKnownEvent: isCounted,
    handle,
    batchSize: 200,
    snapshotEveryEvents: 50_000,
    afterAppend: ({ entries }) =>
      onPersisted(
        entries.map((entry) => entry.command as Count),
        performance.now(),
      ),
  });
}

async function waitLeader(writer: SiteWriter<Counter, Counted, Count>): Promise<void> {
  while (writer.role !== 'leader') await sleep(5);
}

/** Saturation: a backlog of commands, each producing one event; persisted events per second. */
async function saturation(url: string, redis: Redis, n: number): Promise<number> {
  const site = 'bench-saturation';
  for (let i = 0; i < n; i += 500) {
    const pipeline = redis.pipeline();
    for (let k = i; k < Math.min(n, i + 500); k++) {
      pipeline.xadd(
        siteKeys(site).commands,
        '*',
        'id',
        `c${k}`,
        'command',
        JSON.stringify({ type: 'count', n: 1 }),
      );
    }
    await pipeline.exec();
  }
  let persisted = 0;
  let started = 0;
  let finished = 0;
  const writer = startWriter(url, site, (commands, at) => {
    if (started === 0) started = at;
    persisted += commands.length;
    if (persisted >= n) finished = at;
  });
  while (finished === 0) await sleep(5);
  await writer.stop();
  return n / ((finished - started) / 1000);
}

/** Paced traffic: commands sent at `rate` per second for `seconds`; latency to persisted. */
async function paced(url: string, redis: Redis, rate: number, seconds: number) {
  const site = `bench-paced-${rate}`;
  const latencies: number[] = [];
  const writer = startWriter(url, site, (commands, at) => {
    for (const command of commands) latencies.push(at - command.sentAt);
  });
  await waitLeader(writer);
  // How late this process's event loop ran: on a loaded machine that, not Redis, makes the tail.
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const total = rate * seconds;
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
    const sends: Promise<unknown>[] = [];
    for (; sent < due; sent++) {
      const command: Count = { type: 'count', n: 1, sentAt: performance.now() };
      sends.push(
        redis.xadd(siteKeys(site).commands, '*', 'id', `c${sent}`, 'command', JSON.stringify(command)),
      );
    }
    await Promise.all(sends);
    await sleep(1);
  }
  const elapsed = (performance.now() - started) / 1000;
  while (latencies.length < total) await sleep(5);
  loopDelay.disable();
  await writer.stop();
  latencies.sort((a, b) => a - b);
  return {
    loopDelayP99: round(loopDelay.percentile(99) / 1e6),
    achieved: round(total / elapsed, 0),
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies.at(-1) ?? NaN),
  };
}

addBench('store', {
  description:
    'events persisted per second through the fenced writer vs a plain XADD loop; command→persisted latency at 500 and 5,000 commands/s (own redis-server, AOF everysec)',
  run: async ({ quick }) => {
    const server = await startRedisServer({ appendfsync: 'everysec' });
    const redis = new Redis(server.url);
    try {
      const n = quick ? 5_000 : 50_000;
      const seconds = quick ? 1 : 5;
      const baselineXaddPerSecond = await baselineXadd(redis, n);
      const baselinePipelinedXaddPerSecond = await baselinePipelined(redis, n);
      const eventsPerSecond = await saturation(server.url, redis, n);
      const at500 = await paced(server.url, redis, 500, seconds);
      const at5000 = await paced(server.url, redis, 5_000, seconds);
      return {
        eventsPerSecond: round(eventsPerSecond, 0),
        baselineXaddPerSecond: round(baselineXaddPerSecond, 0),
        baselinePipelinedXaddPerSecond: round(baselinePipelinedXaddPerSecond, 0),
        ratioToBaselineXadd: round(eventsPerSecond / baselineXaddPerSecond),
        p99CommandToPersistedMs: at500.p99,
        p50CommandToPersistedMsAt500: at500.p50,
        maxCommandToPersistedMsAt500: at500.max,
        commandsPerSecondAt500: at500.achieved,
        eventLoopDelayP99MsAt500: at500.loopDelayP99,
        p50CommandToPersistedMsAt5000: at5000.p50,
        p99CommandToPersistedMsAt5000: at5000.p99,
        maxCommandToPersistedMsAt5000: at5000.max,
        commandsPerSecondAt5000: at5000.achieved,
        eventLoopDelayP99MsAt5000: at5000.loopDelayP99,
        events: n,
        pacedSeconds: seconds,
        appendfsync: 'everysec',
        // Figures from a loaded machine are not comparable: say how loaded it was.
        cpus: cpus().length,
        loadAverage1m: round(loadavg()[0] ?? NaN),
      };
    } finally {
      redis.disconnect();
      await server.stop();
    }
  },
});
