// `sas-acd bench lrm-webhooks`: how fast the signed webhooks reach the LRM, in order per call,
// through BullMQ (src/lrm/lrm-webhooks.ts) to the example LRM (simulator/lrm), both in this process,
// on its own redis-server. N calls each send K events at once (the worst case of the per-call
// order: a burst like a shift's calls ending together), round-robin across calls; beside it, in
// the same run, the same events with no per-call order (the baseline: what BullMQ and HTTP cost).
// Figures: webhooks delivered per second, send → received delay p50/p99/max, and the order kept.
// The volumes are illustrative (a busy hour's calls ending within seconds), not from a source.
import { startExampleLrm, type ExampleLrm } from '../../simulator/lrm/example-lrm.js';
import { LrmWebhooks } from '../lrm/lrm-webhooks.js';
import { startRedisServer } from '../store/redis-server.js';
import { addBench } from './registry.js';

const SECRET = 'bench-secret-0123456789';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

type Run = {
  delivered: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  outOfOrder: number;
  repeats: number;
  timedOut: boolean;
};

/** One run: `calls` × `perCall` events, sent round-robin; `ordered: false` sends none as the previous of another. */
async function run(
  redisUrl: string,
  lrm: ExampleLrm,
  site: string,
  calls: number,
  perCall: number,
  ordered: boolean,
  interleaved: boolean,
): Promise<Run> {
  lrm.received.length = 0;
  lrm.repeats.length = 0;
  const webhooks = new LrmWebhooks({
    redis: redisUrl,
    site,
    targets: { lrm: { url: lrm.url, secret: SECRET } },
  });
  // Warm-up, not timed: connections open and Lua scripts loaded (the first run would pay it alone).
  await webhooks.send('lrm', { id: `${site}-warm-up`, type: 'warm-up', callId: 'warm-up' }, {});
  while (lrm.received.length < 1) await sleep(10);
  lrm.received.length = 0;
  const sentAt = new Map<string, number>();
  const total = calls * perCall;
  const started = performance.now();
  const sends: Promise<void>[] = [];
  // by call: each call's events back to back (the hard case: a call's next event is queued before
  // its previous one is delivered); interleaved: round-robin across calls.
  const order: [number, number][] = [];
  for (let a = 0; a < (interleaved ? perCall : calls); a++)
    for (let b = 0; b < (interleaved ? calls : perCall); b++) order.push(interleaved ? [b, a] : [a, b]);
  for (const [c, k] of order) {
    const id = `${site}-${c}-${k}`;
    sentAt.set(id, Date.now());
    const event = { id, type: `step-${k}`, callId: ordered ? `call-${c}` : `call-${c}-${k}` };
    sends.push(webhooks.send('lrm', event, { ...event, seq: k }));
  }
  await Promise.all(sends);
  const deadline = Date.now() + 120_000;
  while (lrm.received.length < total && Date.now() < deadline) await sleep(20);
  const elapsed = (performance.now() - started) / 1000;
  const delays = lrm.received
    .map((d) => d.receivedAt - (sentAt.get(d.key) ?? d.receivedAt))
    .sort((a, b) => a - b);
  // Order: for each call, the received sequence numbers must rise.
  const lastSeq = new Map<string, number>();
  let outOfOrder = 0;
  for (const d of lrm.received) {
    const b = d.body as { callId: string; seq: number };
    if ((lastSeq.get(b.callId) ?? -1) > b.seq) outOfOrder++;
    lastSeq.set(b.callId, b.seq);
  }
  await webhooks.close();
  return {
    delivered: lrm.received.length,
    perSecond: round(lrm.received.length / elapsed),
    p50Ms: percentile(delays, 50),
    p99Ms: percentile(delays, 99),
    maxMs: delays[delays.length - 1] ?? NaN,
    outOfOrder: ordered ? outOfOrder : 0,
    repeats: lrm.repeats.length,
    timedOut: lrm.received.length < total,
  };
}

addBench('lrm-webhooks', {
  description:
    'LRM webhooks in order per call (BullMQ → example LRM): webhooks/s and send→received delay p50/p99, beside the same events unordered',
  run: async ({ quick }) => {
    const calls = Number(process.env.LRM_BENCH_CALLS ?? (quick ? 30 : 200));
    const perCall = 6; // arrived, answered, qualified, transferred, ended, recording.available
    const redis = await startRedisServer();
    const lrm = await startExampleLrm({ secret: SECRET });
    try {
      // An untimed run first, so the first timed one does not pay the process's warm-up alone.
      await run(redis.url, lrm, 'bench-warm-up', Math.min(calls, 10), perCall, true, false);
      const runs = {
        ordered: await run(redis.url, lrm, 'bench-ordered', calls, perCall, true, false),
        orderedInterleaved: await run(redis.url, lrm, 'bench-interleaved', calls, perCall, true, true),
        unordered: await run(redis.url, lrm, 'bench-unordered', calls, perCall, false, false),
      };
      return {
        calls,
        eventsPerCall: perCall,
        events: calls * perCall,
        ...Object.fromEntries(
          Object.entries(runs).flatMap(([name, r]) => Object.entries(r).map(([k, v]) => [`${name}.${k}`, v])),
        ),
      };
    } finally {
      await lrm.close();
      await redis.stop();
    }
  },
});
